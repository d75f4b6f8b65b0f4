import type { Labels } from './labelKey.js';

class TrieNode<T> {
  next: Map<string, Map<string, TrieNode<T>>> | undefined;
  value: T | undefined;
}

/**
 * Finds the value stored for a label set by walking its names and values in the caller's key order:
 * a few Map lookups on strings whose hashes V8 has cached, with no key string built per call.
 * The same set given in another key order is another path to the same value. Bounded: past
 * `maxPaths` paths nothing more is stored and callers take their slow path.
 */
export class LabelTrie<T> {
  private readonly root = new TrieNode<T>();
  private paths = 0;

  constructor(private readonly maxPaths: number) {}

  get(labels: Labels | undefined): T | undefined {
    let node = this.root;
    if (labels !== undefined) {
      for (const name in labels) {
        const raw = labels[name];
        const child = node.next?.get(name)?.get(typeof raw === 'string' ? raw : String(raw));
        if (child === undefined) return undefined;
        node = child;
      }
    }
    return node.value;
  }

  /** Stores `value` for this label set in this key order; false when the bound is reached. */
  set(labels: Labels | undefined, value: T): boolean {
    if (this.paths >= this.maxPaths) return false;
    let node = this.root;
    if (labels !== undefined) {
      for (const name in labels) {
        const raw = labels[name];
        const text = typeof raw === 'string' ? raw : String(raw);
        node.next ??= new Map();
        let byValue = node.next.get(name);
        if (byValue === undefined) {
          byValue = new Map();
          node.next.set(name, byValue);
        }
        let child = byValue.get(text);
        if (child === undefined) {
          child = new TrieNode<T>();
          byValue.set(text, child);
        }
        node = child;
      }
    }
    if (node.value === undefined) this.paths++;
    node.value = value;
    return true;
  }
}
