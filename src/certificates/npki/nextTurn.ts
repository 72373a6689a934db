/**
 * Lets other work run between long stretches of JavaScript: setImmediate where there is one
 * (Node, where a zero timeout waits a whole millisecond), else a zero timeout (browsers).
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
