/**
 * A run as speedscope's file format (https://www.speedscope.app/file-format-schema.json): one evented profile
 * per task trial track, in the tracks and order of the Perfetto export (perfetto.ts, lanes.ts): a trial's
 * spans open and close like frames of a call stack, times in microseconds after the run's first instant.
 * Frames are shared by name (`chat gpt-5`, `execute_tool get_order`), so speedscope's left-heavy view sums
 * them across a trial.
 */
import type { Trial } from '../../analyze/trials.js';
import { firstInstant, type Slice } from './lanes.js';
import { laidOut, trialLabel } from './perfetto.js';

/** The speedscope schema's URL, which a file names as its `$schema`. */
export const SPEEDSCOPE_SCHEMA = 'https://www.speedscope.app/file-format-schema.json';

interface FrameEvent {
  type: 'O' | 'C';
  frame: number;
  at: number;
}

/** One evented profile. */
export interface EventedProfile {
  type: 'evented';
  name: string;
  unit: 'microseconds';
  startValue: number;
  endValue: number;
  events: FrameEvent[];
}

/** The file. */
export interface SpeedscopeFile {
  $schema: typeof SPEEDSCOPE_SCHEMA;
  shared: { frames: { name: string }[] };
  profiles: EventedProfile[];
  name: string;
  activeProfileIndex: number;
  exporter: string;
}

/** Frame indexes by name. */
class Frames {
  readonly list: { name: string }[] = [];
  private readonly index = new Map<string, number>();
  of(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.list.length;
      this.list.push({ name });
      this.index.set(name, i);
    }
    return i;
  }
}

/** Open and close events of `slices` and everything under them, in time order. */
function pushEvents(out: FrameEvent[], slices: Slice[], frames: Frames): void {
  for (const s of slices) {
    const frame = frames.of(s.name);
    out.push({ type: 'O', frame, at: s.startUs });
    pushEvents(out, s.children, frames);
    out.push({ type: 'C', frame, at: s.endUs });
  }
}

/** The run's trials as a speedscope file named `name`. */
export function speedscopeFile(
  trials: readonly Trial[],
  info: { name: string; generator: string },
): SpeedscopeFile {
  const frames = new Frames();
  const profiles: EventedProfile[] = [];
  for (const [domain, group] of laidOut(trials, firstInstant(trials))) {
    for (const { trial, lanes } of group) {
      for (const [k, lane] of lanes.entries()) {
        const events: FrameEvent[] = [];
        pushEvents(events, lane, frames);
        const label = `${domain}: ${trialLabel(trial)}${k === 0 ? '' : ` ·${k + 1}`}`;
        const startValue = Math.min(...lane.map((s) => s.startUs));
        const endValue = Math.max(...lane.map((s) => s.endUs));
        profiles.push({ type: 'evented', name: label, unit: 'microseconds', startValue, endValue, events });
      }
    }
  }
  return {
    $schema: SPEEDSCOPE_SCHEMA,
    shared: { frames: frames.list },
    profiles,
    name: info.name,
    activeProfileIndex: 0,
    exporter: info.generator,
  };
}
