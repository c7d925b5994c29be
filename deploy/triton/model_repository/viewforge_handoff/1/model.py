"""EXAMPLE ONLY (a sketch, not tested by viewforge's suite): a Triton Python-backend model that
acknowledges viewforge shards. It implements the contract of docs/handoff.md:

- inputs shard_uri, sha256, kind, dataset (BYTES) and records (INT64), one element each;
- it answers output "ack" = the shard's sha256 once the shard is safely queued for training;
- a shard it has seen before (same sha256) is acknowledged again and NOT queued twice, so
  viewforge's retries and reruns never feed a shard to training twice;
- anything it cannot take is refused with an error (Triton answers {"error": "..."}, which
  viewforge shows and does not retry).

The "training side" here is a JSONL inbox a data loader tails: one line per new shard.
Adapt `_take` to your trainer (enqueue to a job queue, notify a data loader, ...).
"""
import hashlib
import json
import os
from urllib.parse import unquote, urlparse

import numpy as np
import triton_python_backend_utils as pb_utils


def _text(request, name):
    value = pb_utils.get_input_tensor_by_name(request, name).as_numpy().reshape(-1)[0]
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _refusal(message):
    # INVALID_ARG makes Triton answer HTTP 400, which viewforge does not retry. Triton versions
    # without error codes answer 500 instead: viewforge then retries (--handoff-retries) and fails.
    code = getattr(pb_utils.TritonError, "INVALID_ARG", None)
    return pb_utils.TritonError(message) if code is None else pb_utils.TritonError(message, code)


class TritonPythonModel:
    def initialize(self, args):
        config = json.loads(args["model_config"])
        self.inbox = config["parameters"]["inbox"]["string_value"]
        os.makedirs(self.inbox, exist_ok=True)
        self.taken_path = os.path.join(self.inbox, "taken.jsonl")
        self.taken = set()
        if os.path.exists(self.taken_path):
            with open(self.taken_path, encoding="utf-8") as f:
                for line in f:
                    try:
                        self.taken.add(json.loads(line)["sha256"])
                    except (ValueError, KeyError):
                        pass  # a torn last line after a crash

    def execute(self, requests):
        responses = []
        for request in requests:
            try:
                sha = self._take(request)
                ack = pb_utils.Tensor("ack", np.array([sha], dtype=np.object_))
                responses.append(pb_utils.InferenceResponse(output_tensors=[ack]))
            except Exception as err:  # refused: viewforge reports the message and stops
                responses.append(pb_utils.InferenceResponse(output_tensors=[], error=_refusal(str(err))))
        return responses

    def _take(self, request):
        uri = _text(request, "shard_uri")
        sha = _text(request, "sha256")
        kind = _text(request, "kind")
        dataset = _text(request, "dataset")
        records = int(pb_utils.get_input_tensor_by_name(request, "records").as_numpy().reshape(-1)[0])
        if kind not in ("sft", "rl"):
            raise ValueError(f"unknown shard kind {kind!r}")
        if sha in self.taken:
            return sha  # a repeat (retry or rerun): acknowledge again, do not queue twice
        parsed = urlparse(uri)
        if parsed.scheme == "file":
            # Check the bytes before acknowledging: the ack then means "we have this shard".
            with open(unquote(parsed.path), "rb") as f:
                actual = hashlib.sha256(f.read()).hexdigest()
            if actual != sha:
                raise ValueError(f"{uri} has sha256 {actual}, request says {sha}")
        entry = {"sha256": sha, "shard_uri": uri, "records": records, "kind": kind, "dataset": dataset, "id": request.request_id()}
        with open(self.taken_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")
            f.flush()
            os.fsync(f.fileno())
        self.taken.add(sha)
        return sha
