/**
 * What the secure page posts to the chat page that shows it in an overlay (same origin only) when
 * the customer goes back to the chat. Its own module: the chat page's bundle takes only this.
 */
export const CLOSE_OVERLAY = 'jca-secure-close';
