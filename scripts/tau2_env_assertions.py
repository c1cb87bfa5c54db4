#!/usr/bin/env python3
"""Reference goldens for env-assertion scoring (tau2's `Environment.run_env_assertion`), produced by tau2-bench's
OWN Python code, for every task of a domain that has `evaluation_criteria.env_assertions` (telecom).

usage: tau2_env_assertions.py --tau2-src <tau2-bench checkout> --data-dir <dir with domains/<domain>/>
                              [--out test/fixtures/tau2] [--domain telecom]

Same set-up as scripts/tau2_reference.py (whose helpers it imports). Writes <out>/<domain>_env_assertions.jsonl,
one line per task with assertions, keys in this order:
  task_id
  gold_db_hash, gold_user_db_hash   the gold environment of EnvironmentEvaluator.calculate_reward: a fresh
                                    environment, set_state(initialization data and actions, no history), each
                                    expected action through make_tool_call (no sync_tools, errors ignored)
  gold       run_env_assertion(a, raise_assertion_error=False) for each assertion, in order, on that environment
  replayed   the same on the environment of tau2_reference.py's check (Orchestrator.initialize(), then each
             expected action through get_response): what a simulation that made exactly the expected calls scores
  initial    run_env_assertion(a, raise_assertion_error=True) on a freshly initialised environment, no actions:
             true, or the exception as "<Type>: <message>" (a failed assertion's AssertionError text)
Each list runs the assertions one after the other on one environment (each one syncs, as tau2's do).
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tau2_reference import Reference, dumps, import_tau2, make_data_dir, write_lines  # noqa: E402


def assertion_results(env, assertions, raise_error: bool) -> list:
    results = []
    for assertion in assertions:
        try:
            results.append(env.run_env_assertion(assertion, raise_assertion_error=raise_error))
        except Exception as e:  # noqa: BLE001 - the exception text is the result to record
            results.append(f"{type(e).__name__}: {e}")
    return results


def main():
    repo = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tau2-src", required=True, type=Path)
    parser.add_argument("--data-dir", required=True, type=Path, help="holds domains/<domain>/")
    parser.add_argument("--out", type=Path, default=repo / "test" / "fixtures" / "tau2")
    parser.add_argument("--domain", default="telecom")
    args = parser.parse_args()

    build, ToolCall, TextRunConfig, registry = import_tau2(args.tau2_src, make_data_dir(args.tau2_src, args.data_dir))
    ref = Reference(build, ToolCall, TextRunConfig, registry)
    constructor = registry.get_env_constructor(args.domain)
    lines = []
    for task in ref.tasks(args.domain):
        criteria = task.evaluation_criteria
        assertions = (criteria.env_assertions if criteria else None) or []
        if not assertions:
            continue
        actions = criteria.actions or []
        state = task.initial_state

        gold = constructor()
        gold.set_state(
            initialization_data=state.initialization_data if state else None,
            initialization_actions=state.initialization_actions if state else None,
            message_history=[],
        )
        for action in actions:
            try:
                gold.make_tool_call(tool_name=action.name, requestor=action.requestor, **action.arguments)
            except Exception:  # noqa: BLE001 - the evaluator logs and ignores these
                pass
        gold_hashes = (gold.get_db_hash(), gold.get_user_db_hash())

        replayed = ref.orchestrator(args.domain, task).environment
        for index, action in enumerate(actions):
            replayed.get_response(ToolCall(id=f"call_{index}", name=action.name, arguments=action.arguments,
                                           requestor=action.requestor))

        initial = ref.orchestrator(args.domain, task).environment
        lines.append(dumps({
            "task_id": task.id,
            "gold_db_hash": gold_hashes[0],
            "gold_user_db_hash": gold_hashes[1],
            "gold": assertion_results(gold, assertions, False),
            "replayed": assertion_results(replayed, assertions, False),
            "initial": assertion_results(initial, assertions, True),
        }))
    write_lines(args.out / f"{args.domain}_env_assertions.jsonl", lines)
    print(f"{args.domain}: {len(lines)} tasks with env assertions")


if __name__ == "__main__":
    main()
