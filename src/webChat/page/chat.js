// The customer's chat page: Web Chat on this bot's own Direct Line endpoint (/v3/directline).
// The bank's app passes a token in the address (#token=…), made by its backend with the
// Direct Line secret; a local trial without a secret gets one from the dev-only route.
(function () {
  'use strict';

  // The page's own words come from the bot's locales, like everything it says.
  var TEXTS = { ko: {}, en: {} };
  var LOCALES = { ko: 'ko-KR', en: 'en-US' };
  // What the bot understands as "switch language"; it answers in that language from then on.
  var SWITCH = { ko: '한국어', en: 'English' };

  var language = 'ko';
  var directLine;
  var store;

  function token() {
    var fromAddress = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
    if (fromAddress) return Promise.resolve(decodeURIComponent(fromAddress[1]));
    return fetch('/directline/dev-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then(function (response) {
      if (!response.ok) throw new Error('no token: ' + response.status);
      return response.json().then(function (body) {
        return body.token;
      });
    });
  }

  function styleOptions() {
    return {
      accent: '#0b4a8b',
      botAvatarInitials: '은행',
      botAvatarBackgroundColor: '#0b4a8b',
      userAvatarInitials: language === 'ko' ? '고객' : 'Me',
      bubbleBorderRadius: 12,
      bubbleFromUserBorderRadius: 12,
      bubbleFromUserBackground: '#e8f1fb',
      suggestedActionBorderRadius: 16,
      suggestedActionLayout: 'flow',
      primaryFont: "'Apple SD Gothic Neo', 'Malgun Gothic', 'Noto Sans KR', 'NanumGothic', system-ui, sans-serif",
      sendBoxTextWrap: true,
      hideUploadButton: false,
    };
  }

  function render() {
    window.WebChat.renderWebChat({ directLine: directLine, store: store, locale: LOCALES[language], styleOptions: styleOptions() }, document.getElementById('webchat'));
    document.documentElement.lang = language;
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (element) {
      element.textContent = TEXTS[language][element.getAttribute('data-i18n')] || '';
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-language]'), function (button) {
      button.setAttribute('aria-pressed', String(button.getAttribute('data-language') === language));
    });
  }

  function switchTo(next) {
    if (next === language) return;
    language = next;
    render();
    store.dispatch({ type: 'WEB_CHAT/SEND_MESSAGE', payload: { text: SWITCH[next] } });
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-language]'), function (button) {
    button.addEventListener('click', function () {
      switchTo(button.getAttribute('data-language'));
    });
  });

  fetch('/webchat/texts.json')
    .then(function (response) {
      return response.json();
    })
    .then(function (texts) {
      TEXTS = texts;
    })
    .catch(function () {
      // the chat works without the page's captions
    })
    .then(token)
    .then(function (value) {
      directLine = window.WebChat.createDirectLine({ token: value, domain: location.origin + '/v3/directline', webSocket: true });
      store = window.WebChat.createStore();
      render();
    })
    .catch(function () {
      var status = document.getElementById('status');
      status.textContent = TEXTS[language].failed;
      status.hidden = false;
    });
})();
