"""Text-detector throughput: calls per second on one core, on 5-minute transcripts.

A 5-minute call holds about 1,500 characters of speech. The transcripts are assembled from
the shared corpus' reference texts and everyday call-center sentences (greetings, numbers,
refusals, promises, complaints), so every detector has work to do. The floor (issue 3) is
1,000 calls per second per core. Run: .venv/bin/python -m bench.bench_detectors
"""

from __future__ import annotations

import csv
import os
import random
import time

from pipeline.config import PROJECT_ROOT, load_config
from pipeline.process import detect
from pipeline.types import AudioInfo, Segment, Transcript

CORPUS = PROJECT_ROOT.parent / "shared" / "corpus" / "zh"
# Everyday call-center sentences; a few of them trigger a detector, as in real calls.
CALL_CENTER = [
    ("agent", "好的，请您提供一下您的手机号码。"),
    ("agent", "好的，我这边帮您查询一下，请您稍等。"),
    ("customer", "我想查一下我的信用卡账单，上个月多扣了三百块钱。"),
    ("agent", "这个理财产品收益比较稳定，但是不能保证收益，理财非存款。"),
    ("agent", "请不要把验证码告诉任何人。"),
    ("customer", "订单号是二零二六一一二一零零八八，金额一万两千元。"),
    ("customer", "嗯，好的，那我等一下。"),
    ("agent", "您的问题我已经记录下来了，会在两个工作日内给您回复。"),
]
TRIGGERS = [
    ("customer", "我的手机号是幺三八幺二三四五六七八。"),
    ("customer", "你们再不处理我就去投诉，打12315。"),
    ("agent", "这个我也没办法，您可以找别的部门。"),
]
OPENING = ("agent", "您好，很高兴为您服务，请问有什么可以帮您？")
CLOSING = ("agent", "感谢您的来电，祝您生活愉快，再见。")


def corpus_sentences() -> list[str]:
    with open(CORPUS / "manifest.tsv", encoding="utf-8") as handle:
        return [row["reference_text"] for row in csv.DictReader(handle, delimiter="\t")]


def synthetic_call(index: int, rng: random.Random, pool: list[str]) -> Transcript:
    lines = [OPENING]
    while sum(len(text) for _, text in lines) < 1480:
        draw = rng.random()
        if draw < 0.03:
            lines.append(rng.choice(TRIGGERS))
        elif draw < 0.35:
            lines.append(rng.choice(CALL_CENTER))
        else:
            lines.append((rng.choice(("agent", "customer")), rng.choice(pool)))
    lines.append(CLOSING)
    segments, t = [], 0.5
    for role, text in lines:
        duration = len(text) / 4.0  # about 240 characters a minute
        segments.append(Segment(t, t + duration, "ch0" if role == "agent" else "ch1", role, text))
        t += duration + rng.uniform(0.2, 1.5)
    return Transcript(f"bench-{index}", tuple(segments), AudioInfo("", "", t, 8000, 2), "bench")


def main(n_calls: int = 2000) -> dict:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    config = load_config()
    rng = random.Random(7)
    pool = corpus_sentences()
    calls = [synthetic_call(i, rng, pool) for i in range(n_calls)]
    # Before timing, what a process does once: load lexicons, jieba and pinyin tables, and
    # compile the except= contexts and gap splitters of the rules these calls match (compiled
    # on first use: pipeline.detectors.phrases.spec.LazyPattern).
    for call in calls[:200]:
        detect(call, config)
    mean_chars = sum(len(s.text) for c in calls for s in c.segments) / n_calls
    started = time.process_time()  # CPU time of this single-threaded process: one core
    n_findings = sum(len(detect(call, config)) for call in calls)
    cpu_s = time.process_time() - started
    result = {
        "calls": n_calls,
        "mean_chars": round(mean_chars),
        "cpu_s": round(cpu_s, 2),
        "calls_per_core_s": round(n_calls / cpu_s),
        "findings": n_findings,
        "detectors": ",".join(config.detectors.enabled),
    }
    print(
        f"text detectors ({result['detectors']}): {result['calls_per_core_s']} calls/s per core "
        f"on {n_calls} calls of ~{result['mean_chars']} characters ({n_findings} findings, {cpu_s:.2f} s CPU)"
    )
    return result


if __name__ == "__main__":
    main()
