/**
 * The simulator's automatic prefix cache, modelled on vLLM's (docs.vllm.ai, design/prefix_caching): a prompt
 * is cut into blocks of `blockSize` tokens, and each full block is named by a hash that covers its own tokens
 * and its parent's hash, so a block's hash stands for the whole prefix up to it. A request hits the longest
 * run of leading blocks already cached; the partial last block is never cached. As in vLLM, at least one
 * prompt token is always computed, so a prompt cached whole gives back its last block.
 *
 * Simplifications, since the simulator has no KV memory to share: the cache holds `capacityBlocks` blocks of
 * finished prefills (blocks of running requests are not counted against it), evicted least recently used
 * first; a request's blocks enter the cache when its prefill completes, and a lookup happens when the request
 * is scheduled, as vLLM's scheduler does it.
 */
import { createHash } from 'node:crypto';

/** About four characters per token, as the simulator counts prompt tokens (chat.ts). */
export const CHARS_PER_TOKEN = 4;

/** The chained hashes of a prompt's full blocks of `blockSize` tokens. */
export function blockHashes(promptText: string, blockSize: number): string[] {
  const chars = blockSize * CHARS_PER_TOKEN;
  const out: string[] = [];
  let parent = '';
  for (let end = chars; end <= promptText.length; end += chars) {
    parent = createHash('sha256')
      .update(parent)
      .update(promptText.slice(end - chars, end))
      .digest('base64');
    out.push(parent);
  }
  return out;
}

/**
 * The prompt as a chat template lays it out, tools first and then the messages in order, so that a
 * conversation's next step shares the previous step's prompt as a prefix (the request body's JSON, with
 * `tools` after a growing `messages`, would not).
 */
export function promptTextOf(body: Record<string, unknown>): string {
  const tools = body.tools === undefined ? '' : JSON.stringify(body.tools);
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return tools + messages.map((m) => JSON.stringify(m)).join('');
}

/** A per-engine prefix cache of block hashes with LRU eviction. */
export class PrefixCache {
  // A Map iterates in insertion order: re-inserting on every touch keeps the least recently used first.
  private readonly blocks = new Map<string, true>();

  constructor(
    readonly blockSize: number,
    readonly capacityBlocks: number,
  ) {}

  /** Cached tokens of a prompt of `promptTokens` tokens whose blocks are `hashes`; touches the hit blocks. */
  match(hashes: readonly string[], promptTokens: number): number {
    // At least one token is computed: a prompt cached whole keeps its last block to prefill.
    const usable = Math.min(hashes.length, Math.floor((promptTokens - 1) / this.blockSize));
    let hit = 0;
    while (hit < usable && this.blocks.has(hashes[hit]!)) hit++;
    for (let i = 0; i < hit; i++) this.touch(hashes[i]!);
    return hit * this.blockSize;
  }

  /** Caches a prefilled prompt's blocks, evicting the least recently used beyond capacity. */
  insert(hashes: readonly string[]): void {
    for (const h of hashes) this.touch(h);
    for (const oldest of this.blocks.keys()) {
      if (this.blocks.size <= this.capacityBlocks) break;
      this.blocks.delete(oldest);
    }
  }

  /** Blocks held now. */
  get size(): number {
    return this.blocks.size;
  }

  private touch(hash: string): void {
    this.blocks.delete(hash);
    this.blocks.set(hash, true);
  }
}
