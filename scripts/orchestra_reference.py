#!/usr/bin/env python3
"""Reference goldens for the ToolOrchestra fork's expert routing (`--use_model_tool`), produced by the fork's
OWN Python code.

The fork (Weili-0234/ToolOrchestra, evaluation/tau2-bench) routes experts inside
`tau2.utils.llm_utils.generate`: the orchestrator model answers, and when it calls `call_expert` the same
conversation is sent to the expert model, whose answer becomes the agent's message. Nothing here
re-implements that: every case runs the fork's `LLMAgent.get_init_state` + `generate_next_message` (hence
`generate`, `to_litellm_messages` and `LLM_CALL.get_llm_response` with the real `openai` client) against a
local OpenAI-compatible HTTP server that records each request body and answers with the case's scripted
replies. The goldens hold what went over the wire and the AssistantMessage the agent ends up with.

One stub, because the fork cannot be imported without it: `llm_utils` loads the Qwen/Qwen3-8B tokenizer from
the Hugging Face hub at import (for `cut_middle_turns`, which shortens conversations over 23,000 tokens).
The hub is not reachable here, so `transformers.AutoTokenizer` is replaced by a tokenizer that counts every
string as 0 tokens and refuses to decode: `cut_middle_turns` is then the identity, which is what the fork
does for every conversation under its budget (all of these are a few hundred tokens).

usage: orchestra_reference.py --fork-git <bare git dir of Weili-0234/ToolOrchestra> --data-dir <dir with
                              domains/<domain>/> [--commit <sha>] [--out test/fixtures/orchestra]

Reads <out>/cases.json (hand-written input); writes <out>/<domain>.json per domain, <out>/constants.json (the
fork's `extra_tool`, `POLICY_STRINGS`, `EXPERT_POLICT` and `to_litellm_messages` of each conversation for a
few models, straight from its module) and prints a summary.
"""
import argparse
import atexit
import contextlib
import http.server
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import types
from pathlib import Path

DEFAULT_COMMIT = "8bb9e69a155c568a3a5592366e58afddef59baf9"
DOMAINS = ["mock", "retail", "airline", "telecom"]
# The model name the fork's run scripts give the orchestrator is a local checkpoint path: the fork sends the
# tools to vLLM only when the name is an existing path (LLM_CALL: `os.path.exists(str(model))`). A relative
# path (created in the working directory) keeps the goldens free of temporary directory names.
DEFAULT_ORCHESTRATOR = "ckpt/nvidia/Nemotron-Orchestrator-8B"
OPENAI_KEY = "sk-orchestra-reference"
# (model, use_model_tool, enable_thinking) for the direct to_litellm_messages goldens: the fork's orchestrator,
# a Qwen-named one with and without experts, a Qwen3 expert with thinking off (what the fork computes for it
# and then leaves unused) and gpt-5.
CONVERSIONS = [
    (DEFAULT_ORCHESTRATOR, True, True),
    ("ckpt/train/Qwen3-8B", True, True),
    ("ckpt/train/Qwen3-8B", False, True),
    ("Qwen/Qwen3-32B", False, False),
    ("gpt-5", False, True),
]


def extract_fork(git_dir: Path, commit: str) -> Path:
    """The fork's Python at `commit` (LLM_CALL.py and the tau2 package) in a temporary REPO_PATH, with the
    domain data of --data-dir linked where the fork looks for it (`$REPO_PATH/data/tau2/domains/...`)."""
    root = Path(tempfile.mkdtemp(prefix="orchestra-fork-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    archive = subprocess.run(
        ["git", f"--git-dir={git_dir}", "archive", commit, "LLM_CALL.py", "evaluation/tau2-bench/tau2",
         "data/tau2/user_simulator"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(root, filter="data")
    return root


def link_data(root: Path, data_dir: Path) -> None:
    (root / "data" / "tau2" / "domains").mkdir(parents=True, exist_ok=True)
    for domain in DOMAINS:
        (root / "data" / "tau2" / "domains" / domain).symlink_to((data_dir / "domains" / domain).resolve())


def stub_tokenizer() -> None:
    """The only stub (see the module doc): a tokenizer under which every conversation fits the budget."""

    class ZeroTokenizer:
        def __call__(self, text):
            return {"input_ids": []}

        def batch_decode(self, ids):
            raise RuntimeError("the stub tokenizer cannot cut a conversation: keep the cases short")

    class AutoTokenizer:
        @staticmethod
        def from_pretrained(name, *args, **kwargs):
            assert name == "Qwen/Qwen3-8B", name
            return ZeroTokenizer()

    sys.modules["transformers"] = types.SimpleNamespace(AutoTokenizer=AutoTokenizer)


class Recorder(http.server.BaseHTTPRequestHandler):
    """An OpenAI-compatible chat endpoint: records each request, answers from the queue of the case."""

    requests: list = []
    replies: list = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        key = self.headers.get("Authorization", "").removeprefix("Bearer ")
        Recorder.requests.append(
            {"path": self.path, "api_key": "openai" if key == OPENAI_KEY else key, "body": body}
        )
        reply = Recorder.replies.pop(0) if Recorder.replies else {"status": 500, "message": "no reply scripted"}
        if body.get("stream"):
            return self.stream(body["model"], reply)
        status, payload = completion(body["model"], reply)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


    def stream(self, model: str, reply: dict):
        """Server-sent events as vLLM writes them: one chunk per scripted delta, a usage chunk, [DONE]."""
        frames = [
            {"id": "chatcmpl-orchestra", "object": "chat.completion.chunk", "created": 0, "model": model,
             "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
            for delta in reply["chunks"]
        ]
        frames.append(
            {"id": "chatcmpl-orchestra", "object": "chat.completion.chunk", "created": 0, "model": model,
             "choices": [], "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}}
        )
        data = b"".join(f"data: {json.dumps(f)}\n\n".encode() for f in frames) + b"data: [DONE]\n\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def completion(model: str, reply: dict):
    """A chat.completion body (or an error body) for a scripted reply."""
    if "status" in reply:
        return reply["status"], {"error": {"message": reply["message"], "type": "BadRequestError", "code": 400}}
    message = {"role": "assistant", "content": reply.get("content")}
    if "reasoning_content" in reply:
        message["reasoning_content"] = reply["reasoning_content"]
    calls = reply.get("tool_calls") or []
    if calls:
        message["tool_calls"] = [
            {"id": f"call_srv_{i}", "type": "function", "function": c} for i, c in enumerate(calls)
        ]
    return 200, {
        "id": "chatcmpl-orchestra",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }


def model_config(path: Path, port: int, models: list, mapping) -> None:
    cfg = {m: [{"ip_addr": "127.0.0.1", "port": str(port)}] for m in models}
    if mapping is not None:
        cfg["oss_expert_mapping"] = mapping
    path.write_text(json.dumps(cfg, indent=2))


def to_message(m: dict, classes):
    AssistantMessage, ToolCall, ToolMessage, UserMessage = classes
    if m["role"] == "user":
        return UserMessage(role="user", content=m["content"])
    if m["role"] == "tool":
        return ToolMessage(
            id=m["id"], role="tool", content=m["content"], requestor="assistant", error=m.get("error", False)
        )
    calls = m.get("tool_calls")
    return AssistantMessage(
        role="assistant",
        content=m.get("content"),
        tool_calls=[ToolCall(**c) for c in calls] if calls is not None else None,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fork-git", type=Path, required=True)
    ap.add_argument("--commit", default=DEFAULT_COMMIT)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=Path("test/fixtures/orchestra"))
    args = ap.parse_args()
    out = args.out.resolve()
    spec = json.loads((out / "cases.json").read_text())

    root = extract_fork(args.fork_git.resolve(), args.commit)
    link_data(root, args.data_dir)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]

    os.environ.update(
        REPO_PATH=str(root),
        TAU2_DATA_DIR=str(root / "data"),
        OPENAI_API_KEY=OPENAI_KEY,
        OPENAI_BASE_URL=f"http://127.0.0.1:{port}/v1",
        LITELLM_LOCAL_MODEL_COST_MAP="True",
    )
    for var in ("TAU2_TOOLORCH_STREAM_PROFILE", "TAU2_EXPERT_STREAM_PROFILE", "TOOL_ORCH_LLM_LOG_PATH"):
        os.environ.pop(var, None)
    os.chdir(root)  # LLM_CALL makes ./keys at import; the orchestrator's checkpoint path is relative
    for name in {DEFAULT_ORCHESTRATOR} | {c["orchestrator_model"] for c in spec["cases"] if "orchestrator_model" in c}:
        if "/" in name and not name.startswith("nvidia/"):
            (root / name).mkdir(parents=True, exist_ok=True)
    stub_tokenizer()
    sys.path.insert(0, str(root / "evaluation" / "tau2-bench"))
    from loguru import logger

    logger.remove()
    from tau2.agent.llm_agent import LLMAgent
    from tau2.data_model.message import AssistantMessage, SystemMessage, ToolCall, ToolMessage, UserMessage
    from tau2.registry import registry
    from tau2.utils.logging_config import PROFILE, get_tau2_logger

    tau2_logger = get_tau2_logger()

    classes = (AssistantMessage, ToolCall, ToolMessage, UserMessage)
    models = ["Qwen/Qwen3-32B"] + sorted({m for mp in spec["oss_mappings"].values() for m in mp.values()})
    goldens = {}
    for case in spec["cases"]:
        domain = case["domain"]
        env = registry.get_env_constructor(domain)()
        tools = env.get_tools()
        if domain not in goldens:
            goldens[domain] = {
                "domain": domain,
                "tools": [t.openai_schema for t in tools],
                "system_prompt": None,
                "cases": [],
            }
        orchestrator = case.get("orchestrator_model", DEFAULT_ORCHESTRATOR)
        mapping_name = case.get("oss_mapping")
        cfg_path = root / "model_config.json"
        model_config(cfg_path, port, [orchestrator, *models], spec["oss_mappings"][mapping_name] if mapping_name else None)
        agent = LLMAgent(
            tools=tools,
            domain_policy=env.get_policy(),
            llm=orchestrator,
            llm_args={"temperature": 1.0},  # tau2's DEFAULT_LLM_ARGS_AGENT
            use_model_tool=True,
            model_config_path=str(cfg_path),
            domain=domain,
        )
        goldens[domain]["system_prompt"] = agent.system_prompt
        job_id = case.get("job_id", f"tau2:{domain}:0:0123abcd")
        if job_id is not None:
            # what the fork's Orchestrator.step does before every agent turn (_set_llm_router_args)
            agent.llm_args["job_id"] = job_id
            agent.llm_args["is_last_step"] = False
        history = [to_message(m, classes) for m in spec["conversations"][case["conversation"]]]
        # The conversation's last message is the one the agent answers; the rest is its state.
        state = agent.get_init_state(message_history=history[:-1])
        # The fork's profiling switches: streamed vLLM requests (to time prefill and decode) need the env var
        # and the PROFILE log level; generate reads both at every call.
        stream = case.get("stream", False)
        for var in ("TAU2_TOOLORCH_STREAM_PROFILE", "TAU2_EXPERT_STREAM_PROFILE"):
            os.environ[var] = "1" if stream else "0"
        tau2_logger.setLevel(PROFILE if stream else logging.INFO)
        Recorder.requests = []
        Recorder.replies = [case["orchestrator_reply"]] + ([case["expert_reply"]] if "expert_reply" in case else [])
        try:
            with contextlib.redirect_stdout(sys.stderr):  # the fork prints its progress on stdout
                message, _ = agent.generate_next_message(history[-1], state)
            result = {
                "content": message.content,
                "tool_calls": None
                if message.tool_calls is None
                else [{"name": c.name, "arguments": c.arguments} for c in message.tool_calls],
            }
            # A call_expert left in the agent's message goes to the environment like any tool call.
            answers = [env.get_response(c) for c in message.tool_calls or [] if c.name == "call_expert"]
            if answers:
                result["call_expert_responses"] = [{"content": a.content, "error": a.error} for a in answers]
        except Exception as e:  # noqa: BLE001 - the fork's own failure is part of the reference
            result = {"raised": f"{type(e).__name__}: {e}"}
        goldens[domain]["cases"].append(
            {
                "name": case["name"],
                "orchestrator_model": orchestrator,
                "orchestrator_is_local_path": os.path.exists(orchestrator),
                "oss_mapping": mapping_name,
                "job_id": job_id,
                "stream": stream,
                "requests": Recorder.requests,
                "result": result,
            }
        )
    # The fork's own Orchestrator, as run_task builds it, for each domain's first task: initialize, then steps
    # until the agent has answered the user's first message. This pins which part of the conversation the
    # orchestrator and the expert see at the first agent turn (tau2 a2c0247 gives the agent its greeting; this
    # older tau2 does not).
    for var in ("TAU2_TOOLORCH_STREAM_PROFILE", "TAU2_EXPERT_STREAM_PROFILE"):
        os.environ.pop(var, None)
    tau2_logger.setLevel(logging.INFO)
    from tau2.data_model.tasks import Task
    from tau2.orchestrator.orchestrator import Orchestrator
    from tau2.user.user_simulator import UserSimulator

    for domain in goldens:
        env = registry.get_env_constructor(domain)()
        task = Task.model_validate(json.loads((args.data_dir / "domains" / domain / "tasks.json").read_text())[0])
        cfg_path = root / "model_config.json"
        model_config(cfg_path, port, [DEFAULT_ORCHESTRATOR, *models], None)
        agent = LLMAgent(
            tools=env.get_tools(),
            domain_policy=env.get_policy(),
            llm=DEFAULT_ORCHESTRATOR,
            llm_args={"temperature": 1.0},
            cur_transfer_dir="",
            use_model_tool=True,
            model_config_path=str(cfg_path),
            domain=domain,
        )
        try:
            user_tools = env.get_user_tools()
        except Exception:  # noqa: BLE001 - run_task's own fallback for domains without user tools
            user_tools = None
        user = UserSimulator(
            tools=user_tools, instructions=str(task.user_scenario), llm="gpt-5", llm_args={"temperature": 1.0}
        )
        orchestrator = Orchestrator(
            domain=domain, agent=agent, user=user, environment=env, task=task, max_steps=200, max_errors=10,
            seed=300, solo_mode=False, cur_transfer_dir="", model_config_path=str(cfg_path), use_model_tool=True,
        )
        orchestrator.job_id = f"tau2:{domain}:{task.id}:0123abcd"  # the fork draws the last 8 hex digits at random
        Recorder.requests = []
        first = spec["first_turn"]
        Recorder.replies = [first["user_reply"], first["orchestrator_reply"], first["expert_reply"]]
        with contextlib.redirect_stdout(sys.stderr):
            orchestrator.initialize()
            while not isinstance(orchestrator.message, AssistantMessage) or len(orchestrator.trajectory) < 3:
                orchestrator.step()
        message = orchestrator.message
        goldens[domain]["first_turn"] = {
            "task_id": task.id,
            "user_model": "gpt-5",
            "orchestrator_model": DEFAULT_ORCHESTRATOR,
            "job_id": orchestrator.job_id,
            "requests": Recorder.requests,
            "result": {
                "content": message.content,
                "tool_calls": None
                if message.tool_calls is None
                else [{"name": c.name, "arguments": c.arguments} for c in message.tool_calls],
            },
        }
    server.shutdown()

    import tau2.utils.llm_utils as llm_utils

    conversions = []
    for name, conversation in spec["conversations"].items():
        system = SystemMessage(role="system", content=goldens[name]["system_prompt"])
        messages = [system] + [to_message(m, classes) for m in conversation]
        for model, use_model_tool, enable_thinking in CONVERSIONS:
            conversions.append(
                {
                    "conversation": name,
                    "model": model,
                    "use_model_tool": use_model_tool,
                    "enable_thinking": enable_thinking,
                    "messages": llm_utils.to_litellm_messages(
                        messages,
                        model=model,
                        use_model_tool=use_model_tool,
                        domain=name,
                        role="assistant",
                        enable_thinking=enable_thinking,
                    ),
                }
            )
    constants = {
        "extra_tool": llm_utils.extra_tool,
        "POLICY_STRINGS": llm_utils.POLICY_STRINGS,
        "EXPERT_POLICT": llm_utils.EXPERT_POLICT,
        "conversions": conversions,
    }
    (out / "constants.json").write_text(json.dumps(constants, indent=2, ensure_ascii=False) + "\n")

    print("| domain | cases | requests | expert requests |")
    print("|---|---:|---:|---:|")
    for domain, g in goldens.items():
        (out / f"{domain}.json").write_text(json.dumps(g, indent=2, ensure_ascii=False) + "\n")
        n = sum(len(c["requests"]) for c in g["cases"])
        experts = sum(max(0, len(c["requests"]) - 1) for c in g["cases"])
        print(f"| {domain} | {len(g['cases'])} | {n} | {experts} |")


if __name__ == "__main__":
    main()
