/**
 * Which of a model's endpoints a request goes to. A policy is a small object over the endpoints' live state
 * (calls in flight, health), so another one (a prefix-cache-aware router, say) plugs in beside these three:
 * - `sticky` (the default): every call of one task trial goes to the same endpoint while it is healthy. An
 *   agent conversation re-sends its whole history at every step, and vLLM's prefix cache only helps on the
 *   server that served the previous step.
 * - `random`: uniform, per call (what the legacy runner did).
 * - `least-loaded`: the endpoint with the fewest calls in flight.
 * Every policy leaves a sick endpoint (refused connections, a streak of 5xx) for another while it is sick.
 */

/** The routing policies a run may name. */
export const ROUTING_POLICIES = ['sticky', 'random', 'least-loaded'] as const;
/** A routing policy's name. */
export type RoutingPolicy = (typeof ROUTING_POLICIES)[number];

/** What a router knows of an endpoint. */
export interface RoutedEndpoint {
  /** Calls (attempts) in flight to it. */
  inflight: number;
  health: EndpointHealth;
}

/**
 * How an endpoint has been answering. A refused connection makes it sick at once (nothing listens); 5xx
 * answers only after {@link SICK_AFTER_5XX} in a row (one 503 is the server's business, and a retry may land
 * there again). A sick endpoint is tried again after {@link SICK_FOR_MS}; one success heals it.
 */
export interface EndpointHealth {
  /** 5xx answers in a row. */
  serverErrors: number;
  /** `performance.now()` until which it is left alone; 0 when healthy. */
  sickUntil: number;
}

/** 5xx answers in a row that make an endpoint sick. */
export const SICK_AFTER_5XX = 3;
/** How long a sick endpoint is left alone before it is tried again. */
export const SICK_FOR_MS = 5_000;

/** A fresh health record. */
export function newHealth(): EndpointHealth {
  return { serverErrors: 0, sickUntil: 0 };
}

/** What an attempt's outcome says about its endpoint. */
export type AttemptVerdict = 'ok' | 'refused' | 'server_error' | 'other';

/** Updates `health` with an attempt's outcome. */
export function noteAttempt(health: EndpointHealth, verdict: AttemptVerdict, now: number): void {
  if (verdict === 'ok') {
    health.serverErrors = 0;
    health.sickUntil = 0;
  } else if (verdict === 'refused') {
    health.sickUntil = now + SICK_FOR_MS;
  } else if (verdict === 'server_error' && ++health.serverErrors >= SICK_AFTER_5XX) {
    health.sickUntil = now + SICK_FOR_MS;
  }
}

/** Whether an endpoint may be chosen now. */
export function isHealthy(ep: RoutedEndpoint, now: number): boolean {
  return ep.health.sickUntil <= now;
}

/** Chooses an endpoint for one attempt; `key` names the trial (or whatever the caller wants kept together). */
export interface Router<E extends RoutedEndpoint = RoutedEndpoint> {
  readonly policy: RoutingPolicy;
  choose(endpoints: readonly E[], key: string | undefined, random: () => number, now: number): E;
}

/** The healthy endpoints, or all of them when none is (a call must go somewhere; its retries wait it out). */
function candidates<E extends RoutedEndpoint>(endpoints: readonly E[], now: number): readonly E[] {
  const healthy = endpoints.filter((ep) => isHealthy(ep, now));
  return healthy.length > 0 ? healthy : endpoints;
}

function uniform<E>(items: readonly E[], random: () => number): E {
  return items[Math.floor(random() * items.length)]!;
}

/** The items with the lowest `score`, one of them at random. */
function lowest<E>(items: readonly E[], score: (e: E) => number, random: () => number): E {
  const best = Math.min(...items.map(score));
  return uniform(
    items.filter((e) => score(e) === best),
    random,
  );
}

class RandomRouter<E extends RoutedEndpoint> implements Router<E> {
  readonly policy = 'random' as const;
  choose(endpoints: readonly E[], _key: string | undefined, random: () => number, now: number): E {
    return uniform(candidates(endpoints, now), random);
  }
}

class LeastLoadedRouter<E extends RoutedEndpoint> implements Router<E> {
  readonly policy = 'least-loaded' as const;
  choose(endpoints: readonly E[], _key: string | undefined, random: () => number, now: number): E {
    return lowest(candidates(endpoints, now), (ep) => ep.inflight, random);
  }
}

/**
 * A key keeps its endpoint while that endpoint is healthy. A new key (or one whose endpoint fell sick) goes to
 * the endpoint that holds the fewest keys, then the fewest calls in flight: trials, not calls, are what a
 * sticky router spreads, since every call of a trial follows its first. A call without a key is least-loaded.
 */
class StickyRouter<E extends RoutedEndpoint> implements Router<E> {
  readonly policy = 'sticky' as const;
  private readonly bound = new Map<string, E>();
  private readonly keysOf = new Map<E, number>();

  choose(endpoints: readonly E[], key: string | undefined, random: () => number, now: number): E {
    const pool = candidates(endpoints, now);
    if (key === undefined) return lowest(pool, (ep) => ep.inflight, random);
    const held = this.bound.get(key);
    if (held && pool.includes(held)) return held;
    const fewest = Math.min(...pool.map((ep) => this.keysOf.get(ep) ?? 0));
    const light = pool.filter((ep) => (this.keysOf.get(ep) ?? 0) === fewest);
    const chosen = lowest(light, (ep) => ep.inflight, random);
    if (held) this.keysOf.set(held, (this.keysOf.get(held) ?? 1) - 1);
    this.bound.set(key, chosen);
    this.keysOf.set(chosen, (this.keysOf.get(chosen) ?? 0) + 1);
    return chosen;
  }
}

/** A router of `policy` (one per model: a sticky router remembers its keys). */
export function createRouter<E extends RoutedEndpoint>(policy: RoutingPolicy): Router<E> {
  if (policy === 'random') return new RandomRouter<E>();
  if (policy === 'least-loaded') return new LeastLoadedRouter<E>();
  return new StickyRouter<E>();
}
