/** A doubly linked list whose nodes callers keep, so removing any node is O(1). */
export class ListNode<T> {
  prev: ListNode<T> | null = null;
  next: ListNode<T> | null = null;
  list: LinkedList<T> | null = null;
  constructor(readonly value: T) {}
}

export class LinkedList<T> {
  head: ListNode<T> | null = null;
  tail: ListNode<T> | null = null;
  size = 0;

  push(value: T): ListNode<T> {
    const node = new ListNode(value);
    this.pushNode(node);
    return node;
  }

  pushNode(node: ListNode<T>): void {
    if (node.list) throw new Error('node is already in a list');
    node.list = this;
    node.prev = this.tail;
    node.next = null;
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    this.size++;
  }

  remove(node: ListNode<T>): void {
    if (node.list !== this) throw new Error('node is not in this list');
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = node.next = null;
    node.list = null;
    this.size--;
  }

  /** Moves a node of this list to its end (a round-robin turn is over). */
  moveToBack(node: ListNode<T>): void {
    if (this.tail === node) return;
    this.remove(node);
    this.pushNode(node);
  }

  *values(): IterableIterator<T> {
    for (let n = this.head; n; n = n.next) yield n.value;
  }
}
