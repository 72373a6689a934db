/** npki/ hands out Uint8Array (it runs in browsers too); the Node side keeps Buffers. A view, not a copy. */
export function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
