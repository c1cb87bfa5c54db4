import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createRouter,
  isHealthy,
  newHealth,
  noteAttempt,
  type RoutedEndpoint,
  SICK_AFTER_5XX,
  SICK_FOR_MS,
} from '../../src/llm/routing.js';
import { createRng } from '../../src/util/random.js';

const endpoints = (n: number): (RoutedEndpoint & { id: number })[] =>
  Array.from({ length: n }, (_, id) => ({ id, inflight: 0, health: newHealth() }));

describe('routing', () => {
  it('sticky keeps every call of a key on one endpoint and spreads keys evenly', () => {
    const router = createRouter<ReturnType<typeof endpoints>[number]>('sticky');
    const eps = endpoints(4);
    const rng = createRng(7);
    const first = new Map<string, number>();
    for (let round = 0; round < 5; round++) {
      for (let k = 0; k < 12; k++) {
        const ep = router.choose(eps, `trial-${k}`, rng, 0);
        ep.inflight += round === 0 ? 1 : 0; // load changes between rounds must not move a key
        if (round === 0) first.set(`trial-${k}`, ep.id);
        else assert.equal(ep.id, first.get(`trial-${k}`));
      }
    }
    const perEndpoint = [0, 1, 2, 3].map((id) => [...first.values()].filter((v) => v === id).length);
    assert.deepEqual(perEndpoint, [3, 3, 3, 3]);
  });

  it('sticky moves a key off a sick endpoint, and it stays moved', () => {
    const router = createRouter<ReturnType<typeof endpoints>[number]>('sticky');
    const eps = endpoints(2);
    const rng = createRng(1);
    const home = router.choose(eps, 'k', rng, 0);
    noteAttempt(home.health, 'refused', 0);
    const moved = router.choose(eps, 'k', rng, 1);
    assert.notEqual(moved.id, home.id);
    noteAttempt(home.health, 'ok', SICK_FOR_MS + 2);
    assert.equal(router.choose(eps, 'k', rng, SICK_FOR_MS + 3).id, moved.id);
  });

  it('least-loaded takes the endpoint with the fewest calls in flight', () => {
    const router = createRouter<ReturnType<typeof endpoints>[number]>('least-loaded');
    const eps = endpoints(3);
    eps[0]!.inflight = 2;
    eps[1]!.inflight = 0;
    eps[2]!.inflight = 1;
    assert.equal(router.choose(eps, 'any', createRng(3), 0).id, 1);
  });

  it('random uses every healthy endpoint and no sick one', () => {
    const router = createRouter<ReturnType<typeof endpoints>[number]>('random');
    const eps = endpoints(3);
    for (let i = 0; i < SICK_AFTER_5XX; i++) noteAttempt(eps[2]!.health, 'server_error', 0);
    const seen = new Set<number>();
    const rng = createRng(5);
    for (let i = 0; i < 200; i++) seen.add(router.choose(eps, undefined, rng, 1).id);
    assert.deepEqual([...seen].sort(), [0, 1]);
  });

  it('health: refused is sick at once, 5xx after a streak, success heals, time brings it back', () => {
    const h = { inflight: 0, health: newHealth() };
    for (let i = 1; i < SICK_AFTER_5XX; i++) noteAttempt(h.health, 'server_error', 0);
    assert.ok(isHealthy(h, 0));
    noteAttempt(h.health, 'server_error', 0);
    assert.ok(!isHealthy(h, 0));
    assert.ok(isHealthy(h, SICK_FOR_MS));
    noteAttempt(h.health, 'ok', 1);
    noteAttempt(h.health, 'refused', 10);
    assert.ok(!isHealthy(h, 11));
  });

  it('with every endpoint sick, calls still go somewhere', () => {
    const router = createRouter<ReturnType<typeof endpoints>[number]>('sticky');
    const eps = endpoints(2);
    for (const ep of eps) noteAttempt(ep.health, 'refused', 0);
    assert.ok(eps.includes(router.choose(eps, 'k', createRng(2), 1)));
  });
});
