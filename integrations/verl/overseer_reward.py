"""Overseer's process-based reward for verl: ``compute_score`` functions that ask a running
``overseer reward-server`` (docs/serving-rewards.md) for each sample's reward.

Point verl's custom reward function at this file and pick one of the three entry points::

    custom_reward_function:
      path: integrations/verl/overseer_reward.py
      name: compute_score          # sync, one sample per call (NaiveRewardManager)
      # name: compute_score_async  # async, one sample per call (verl's async reward loop)
      # name: compute_score_batch  # one request per batch (reward_model.reward_manager=batch)
      reward_kwargs:
        url: http://127.0.0.1:5000

Standard library only (urllib and asyncio), so it runs in any verl environment.

verl hands a reward function the response alone (``solution_str``); the service reads the
question from the prompt, so the prompt comes from ``extra_info["prompt"]`` (or
``extra_info["question"]``, or a ``prompt=`` keyword) and is sent before the response, as
OpenRLHF sends it. Without a prompt the response itself must carry the task's question and mark.

Keywords (through ``reward_kwargs`` or directly): ``url`` (default ``$OVERSEER_REWARD_URL``, else
http://127.0.0.1:5000), ``timeout`` seconds per attempt (300), ``attempts`` (5), ``details``
(return ``{"score": reward, "process_reward": …, "outcome_reward": …, …}`` instead of a float),
``batch_size`` (most samples per request of ``compute_score_batch``, 4096).

Connection errors, 429 and 5xx answers are retried with backoff — the service remembers every
result and joins duplicates in flight, so a retry costs nothing and scores the same; any other
error (a malformed request) raises at once with the service's message.
"""

import asyncio
import json
import os
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

DEFAULT_URL = "http://127.0.0.1:5000"
DEFAULT_TIMEOUT = 300.0
DEFAULT_ATTEMPTS = 5
DEFAULT_BATCH_SIZE = 4096


class RewardServiceError(RuntimeError):
    """The reward service refused a request, or could not be reached after every attempt."""


class _Retry(Exception):
    """A failure worth another attempt (unreachable, 429, 5xx)."""


def _endpoint(url):
    base = url or os.environ.get("OVERSEER_REWARD_URL") or DEFAULT_URL
    # A bare address means the reward route; an explicit path is used as given.
    return base.rstrip("/") + "/get_reward" if urlsplit(base).path in ("", "/") else base


def _prompt_of(extra_info, prompt):
    if prompt is not None:
        return prompt
    if isinstance(extra_info, dict):
        for key in ("prompt", "question"):
            if isinstance(extra_info.get(key), str):
                return extra_info[key]
    return None


def _request_body(solution_strs, ground_truths, extra_infos, prompt=None):
    queries, prompts, labels = [], [], []
    for solution_str, ground_truth, extra_info in zip(solution_strs, ground_truths, extra_infos):
        sample_prompt = _prompt_of(extra_info, prompt)
        queries.append(solution_str if sample_prompt is None else sample_prompt + solution_str)
        prompts.append(sample_prompt)
        labels.append(None if ground_truth is None else str(ground_truth))
    return {"query": queries, "prompts": prompts, "labels": labels}


def _results(body, count, details):
    rewards = body.get("rewards")
    if not isinstance(rewards, list) or len(rewards) != count:
        raise RewardServiceError(f"expected {count} rewards, got {body!r:.200}")
    if not details:
        return [float(reward) for reward in rewards]
    logs = body.get("extra_logs") or {}
    return [
        {"score": float(reward), **{name: values[index] for name, values in logs.items()}}
        for index, reward in enumerate(rewards)
    ]


def _answer(status, payload):
    """The JSON body of a 2xx answer; raises _Retry or RewardServiceError otherwise."""
    if status == 429 or status >= 500:
        raise _Retry(f"HTTP {status}: {payload[:200]!r}")
    if status >= 400:
        try:
            message = json.loads(payload)["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = payload[:500].decode("utf-8", "replace")
        raise RewardServiceError(f"the reward service refused the request (HTTP {status}): {message}")
    return json.loads(payload)


def _backoff(attempt):
    return min(8.0, 0.5 * 2**attempt)


def _post_once(endpoint, body, timeout):
    request = urllib.request.Request(
        endpoint,
        data=json.dumps(body).encode("utf-8"),
        headers={"content-type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return _answer(response.status, response.read())
    except urllib.error.HTTPError as error:
        return _answer(error.code, error.read())
    except (urllib.error.URLError, OSError) as error:
        raise _Retry(str(error)) from error


def _post(endpoint, body, timeout, attempts):
    for attempt in range(attempts):
        try:
            return _post_once(endpoint, body, timeout)
        except _Retry as reason:
            if attempt + 1 == attempts:
                raise RewardServiceError(f"{endpoint}: {reason} after {attempts} attempts") from None
            time.sleep(_backoff(attempt))
    raise RewardServiceError("attempts must be at least 1")


async def _exchange(parts, data, path):
    """One HTTP/1.1 POST on a fresh connection: (status, body)."""
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
    try:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
            "Connection: close\r\n\r\n"
        )
        writer.write(head.encode("latin-1") + data)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    header, _, payload = raw.partition(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip().lower()
    if headers.get("transfer-encoding") == "chunked":
        payload = _unchunk(payload)
    return status, payload


def _unchunk(payload):
    body, rest = b"", payload
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        body, rest = body + rest[:size], rest[size + 2 :]
    return body


async def _post_async(endpoint, body, timeout, attempts):
    parts = urlsplit(endpoint)
    if parts.scheme != "http":
        # https (or anything else) goes through urllib on a worker thread.
        return await asyncio.to_thread(_post, endpoint, body, timeout, attempts)
    data = json.dumps(body).encode("utf-8")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    for attempt in range(attempts):
        try:
            try:
                status, payload = await asyncio.wait_for(_exchange(parts, data, path), timeout)
            except (OSError, asyncio.TimeoutError, ValueError, IndexError) as error:
                raise _Retry(repr(error)) from error
            return _answer(status, payload)
        except _Retry as reason:
            if attempt + 1 == attempts:
                raise RewardServiceError(f"{endpoint}: {reason} after {attempts} attempts") from None
            await asyncio.sleep(_backoff(attempt))
    raise RewardServiceError("attempts must be at least 1")


def compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    """One sample's reward (verl's per-sample signature), by a blocking request."""
    body = _request_body([solution_str], [ground_truth], [extra_info], kwargs.get("prompt"))
    answer = _post(
        _endpoint(kwargs.get("url")),
        body,
        float(kwargs.get("timeout", DEFAULT_TIMEOUT)),
        int(kwargs.get("attempts", DEFAULT_ATTEMPTS)),
    )
    return _results(answer, 1, kwargs.get("details", False))[0]


async def compute_score_async(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    """One sample's reward (verl's per-sample signature), awaiting the service without a thread."""
    body = _request_body([solution_str], [ground_truth], [extra_info], kwargs.get("prompt"))
    answer = await _post_async(
        _endpoint(kwargs.get("url")),
        body,
        float(kwargs.get("timeout", DEFAULT_TIMEOUT)),
        int(kwargs.get("attempts", DEFAULT_ATTEMPTS)),
    )
    return _results(answer, 1, kwargs.get("details", False))[0]


def compute_score_batch(data_sources, solution_strs, ground_truths, extra_infos=None, **kwargs):
    """A batch's rewards in order (verl's BatchRewardManager signature), `batch_size` per request."""
    solution_strs = list(solution_strs)
    ground_truths = list(ground_truths)
    extra_infos = [None] * len(solution_strs) if extra_infos is None else list(extra_infos)
    batch_size = int(kwargs.get("batch_size", DEFAULT_BATCH_SIZE))
    endpoint = _endpoint(kwargs.get("url"))
    results = []
    for start in range(0, len(solution_strs), batch_size):
        end = start + batch_size
        body = _request_body(
            solution_strs[start:end],
            ground_truths[start:end],
            extra_infos[start:end],
            kwargs.get("prompt"),
        )
        answer = _post(
            endpoint,
            body,
            float(kwargs.get("timeout", DEFAULT_TIMEOUT)),
            int(kwargs.get("attempts", DEFAULT_ATTEMPTS)),
        )
        results.extend(_results(answer, len(body["query"]), kwargs.get("details", False)))
    return results
