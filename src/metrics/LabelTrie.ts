import type { Labels } from './labelKey.js';

class TrieNode<T> {
  /** The label name callers give first at this depth: its values are one Map lookup away. */
  name: string | undefined;
  byValue: Map<string, TrieNode<T>> | undefined;
  /** Other names at this depth (another key order, another label set), by name then value. */
  others: Map<string, Map<string, TrieNode<T>>> | undefined;
  value: T | undefined;

  child(name: string, value: string): TrieNode<T> | undefined {
    return name === this.name ? this.byValue!.get(value) : this.others?.get(name)?.get(value);
  }

  childMap(name: string): Map<string, TrieNode<T>> {
    if (this.name === undefined) {
      this.name = name;
      this.byValue = new Map();
    }
    if (name === this.name) return this.byValue!;
    this.others ??= new Map();
    let byValue = this.others.get(name);
    if (byValue === undefined) {
      byValue = new Map();
      this.others.set(name, byValue);
    }
    return byValue;
  }
}

const text = (raw: unknown) => (typeof raw === 'string' ? raw : String(raw));

/**
 * Finds the value stored for a label set by walking its names and values in the caller's key order:
 * one Map lookup per label on strings whose hashes V8 has cached (call sites keep their key order,
 * so each depth mostly sees one name), with no key string built per call. The same set given in
 * another key order is another path to the same value. Bounded: past `maxPaths` paths nothing more
 * is stored and callers take their slow path.
 */
export class LabelTrie<T> {
  private readonly root = new TrieNode<T>();
  private paths = 0;

  constructor(private readonly maxPaths: number) {}

  get(labels: Labels | undefined): T | undefined {
    let node: TrieNode<T> | undefined = this.root;
    if (labels !== undefined) {
      for (const name in labels) {
        node = node.child(name, text(labels[name]));
        if (node === undefined) return undefined;
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
        const byValue = node.childMap(name);
        const key = text(labels[name]);
        let child = byValue.get(key);
        if (child === undefined) {
          child = new TrieNode<T>();
          byValue.set(key, child);
        }
        node = child;
      }
    }
    if (node.value === undefined) this.paths++;
    node.value = value;
    return true;
  }
}
