// Customer and agent text is untrusted: it only ever reaches the page through textContent.

/** An element of index.html by id, of the kind the page expects (a missing one is a bug in the page). */
export function byId<T extends HTMLElement = HTMLElement>(id: string, kind?: abstract new () => T): T {
  const node = document.getElementById(id);
  if (node === null || (kind !== undefined && !(node instanceof kind))) throw new Error(`the desk page has no #${id}`);
  return node as T;
}

export interface Props {
  readonly class?: string;
  readonly text?: string;
  readonly hidden?: boolean;
  readonly dataset?: Readonly<Record<string, string>>;
  /** Other attributes; undefined leaves one out. */
  readonly attrs?: Readonly<Record<string, string | undefined>>;
}

type Child = Node | string | null | undefined | false;

/** Creates an element; text is always set through textContent. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class !== undefined) node.className = props.class;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.hidden === true) node.hidden = true;
  if (props.dataset !== undefined) Object.assign(node.dataset, props.dataset);
  for (const [name, value] of Object.entries(props.attrs ?? {})) if (value !== undefined) node.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}
