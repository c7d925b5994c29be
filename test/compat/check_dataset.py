"""Trainer compatibility check for one viewforge output folder.

Loads the data exactly as the trainers do and checks what they rely on:

- LLaMA-Factory (SFT): ``load_dataset("json", data_files=<every file of sft/>)``, the files in
  directory-listing order (LLaMA-Factory passes ``os.listdir`` order, which is arbitrary: both
  sorted and reversed orders are loaded); every image opened from its path relative to the
  output folder; ``<image>`` tokens = images per record; the answer letter is one of the options.
- verl (GRPO): ``load_dataset("parquet", data_files=<one file>)["train"]`` per shard, then
  ``concatenate_datasets`` (verl's RLHFDataset); every image opened from its embedded bytes (and
  its sha256 checked against ``extra_info``); each row equal, field by field, to its twin line in
  ``rl/shard-NNNNN.jsonl`` (images compared by path). The JSONL copies load with the ``json``
  builder too, in both orders.
- Hugging Face layout: the dataset card's ``configs`` make ``load_dataset(<out>)`` find ``sft``
  (the default) and ``load_dataset(<out>, "rl")`` find ``rl`` without any other argument, with
  the declared features, and give back exactly the JSONL rows.
- Families: every expected family appears, across shards.
- Reward parity: the Python reference reward (``reward_reference.py``) gives exactly the scores
  the TypeScript reward gave for the same completions.

Usage: ``python check_dataset.py --out DIR --families a,b,c --scores scores.json [--system-prompt-file F]``
(``scores.json``: a list of ``{case, completion, ground_truth, format, accuracy, total}`` from
the TypeScript reward). Prints one JSON report on the last line of stdout; exits 1 when any check
fails, after listing every failure on stderr.
"""

import argparse
import hashlib
import io
import json
import os
import sys
import traceback

import datasets
from PIL import Image

sys.dont_write_bytecode = True  # no __pycache__ in the work tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reward_reference  # noqa: E402

IMAGE_TOKEN = "<image>"
MAX_LISTED = 20


class Report:
    def __init__(self):
        self.failures = []
        self.facts = {}

    def fail(self, message):
        self.failures.append(message)

    def check(self, condition, message):
        if not condition:
            self.fail(message)
        return condition


def letters(options):
    return [chr(65 + i) for i in range(len(options))]


def open_image_file(path):
    with Image.open(path) as im:
        im.load()
        return im.size


def open_image_bytes(data):
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        return im.size


def image_mode(data):
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        return im.mode


# --passes files embedded in the parquet rows: column, pass name in extra_info.images[k], PIL modes.
PASS_COLUMNS = (("masks", "mask", ("L",)), ("depths", "depth", ("I;16", "I;16B", "I")))


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def list_shards(folder, ext):
    if not os.path.isdir(folder):
        return []
    return sorted(os.path.join(folder, n) for n in os.listdir(folder) if n.endswith(ext))


def check_sft(out, report, expected_system):
    """LLaMA-Factory: every file of sft/ through the json builder, as one table."""
    folder = os.path.join(out, "sft")
    names = os.listdir(folder)
    exts = {os.path.splitext(n)[1] for n in names}
    report.check(exts == {".jsonl"}, f"sft/ holds files of other types than .jsonl (LLaMA-Factory refuses mixed types): {sorted(exts)}")
    files = list_shards(folder, ".jsonl")
    report.check(len(files) >= 2, f"expected several sft shards, found {len(files)}")
    tables = {}
    for order, data_files in (("sorted", files), ("reversed", list(reversed(files)))):
        try:
            tables[order] = datasets.load_dataset("json", data_files=data_files, split="train")
        except Exception as err:  # the exact failure LLaMA-Factory would hit
            report.fail(f"load_dataset('json', sft/*.jsonl in {order} order) failed: {err!r} (cause: {err.__cause__!r})")
    if not tables:
        return {}
    ds = tables.get("sorted") or tables["reversed"]
    if "sorted" in tables and "reversed" in tables:
        report.check(tables["sorted"].features == tables["reversed"].features, "sft features depend on the order of the shards")
    report.facts["sft_features"] = str(ds.features)
    expected_rows = sum(len(read_jsonl(f)) for f in files)
    report.check(len(ds) == expected_rows, f"sft: loaded {len(ds)} rows, the shards hold {expected_rows}")
    families = {}
    one_image = 0
    for i, rec in enumerate(ds):
        rid = rec["id"]
        meta = rec["meta"]
        families[meta["family"]] = families.get(meta["family"], 0) + 1
        tokens = sum(m["content"].count(IMAGE_TOKEN) for m in rec["messages"])
        report.check(tokens == len(rec["images"]), f"sft {rid}: {tokens} <image> tokens for {len(rec['images'])} images")
        # Two views, or one for a single-image record (--single-view-share), next to each other in one table.
        report.check(len(rec["images"]) in (1, 2), f"sft {rid}: {len(rec['images'])} images, expected 1 or 2")
        report.check(len(rec["images"]) == len(meta["images"]), f"sft {rid}: {len(rec['images'])} images, meta names {len(meta['images'])}")
        if len(rec["images"]) == 1:
            one_image += 1
        for path in rec["images"]:
            try:
                size = open_image_file(os.path.join(out, path))
                report.check(size == (meta["images"][0]["width"], meta["images"][0]["height"]), f"sft {rid}: {path} is {size}")
            except Exception as err:
                report.fail(f"sft {rid}: cannot open image {path} relative to the output folder: {err!r}")
        report.check(meta["answer"] in letters(meta["options"]), f"sft {rid}: answer {meta['answer']!r} is not one of the option letters")
        report.check(meta["options"][ord(meta["answer"]) - 65] == meta["answer_text"] if meta["answer"] in letters(meta["options"]) else False,
                     f"sft {rid}: answer_text is not the option of the answer letter")
        roles = [m["role"] for m in rec["messages"]]
        want = (["system"] if expected_system is not None else []) + ["user", "assistant"]
        report.check(roles == want, f"sft {rid}: roles {roles}, expected {want}")
        if expected_system is not None and roles and roles[0] == "system":
            report.check(rec["messages"][0]["content"] == expected_system, f"sft {rid}: the system message is not the --system-prompt text")
        assistant = rec["messages"][-1]["content"]
        scored = reward_reference.reward(assistant, meta["answer"])
        report.check(scored["accuracy"] == 1.0, f"sft {rid}: the assistant answer does not score as correct under the reference reward: {assistant[-60:]!r}")
        if meta["has_cot"]:
            report.check(scored["format"] == 1.0, f"sft {rid}: a CoT answer that is not <think>…</think><answer>…</answer>")
    report.facts["sft_rows"] = len(ds)
    report.facts["sft_one_image_rows"] = one_image
    report.facts["sft_shards"] = len(files)
    return families


def drop_absent(value, twin):
    """Parquet has one fixed schema, so an optional meta field a JSONL line does not carry (e.g. the
    library-only extra_info.asset.path) comes back as None: drop those keys to compare with the line."""
    if isinstance(value, dict) and isinstance(twin, dict):
        return {k: drop_absent(v, twin.get(k)) for k, v in value.items() if k in twin or v is not None}
    if isinstance(value, list) and isinstance(twin, list) and len(value) == len(twin):
        return [drop_absent(v, t) for v, t in zip(value, twin)]
    return value


def normalise_row(row):
    """A parquet row as the JSONL line it came from: image structs back to their paths."""
    out = dict(row)
    out["images"] = [im["path"] for im in row["images"]]
    for column, _, _ in PASS_COLUMNS:  # the pass files have no JSONL key: extra_info names them
        out.pop(column, None)
    return out


def check_rl(out, report):
    """verl: each parquet shard through the parquet builder, then concatenate_datasets."""
    parquet_files = list_shards(os.path.join(out, "rl"), ".parquet")
    jsonl_files = list_shards(os.path.join(out, "rl"), ".jsonl")
    report.check(len(parquet_files) >= 2, f"expected several rl parquet shards, found {len(parquet_files)}")
    report.check([p[:-len(".parquet")] for p in parquet_files] == [p[:-len(".jsonl")] for p in jsonl_files],
                 "every rl/shard-NNNNN.jsonl needs its rl/shard-NNNNN.parquet twin and vice versa")
    parts = []
    for path in parquet_files:
        try:
            parts.append(datasets.load_dataset("parquet", data_files=path)["train"])
        except Exception as err:
            report.fail(f"load_dataset('parquet', {os.path.relpath(path, out)}) failed: {err!r}")
    if not parts:
        return {}
    try:
        ds = datasets.concatenate_datasets(parts)
    except Exception as err:
        report.fail(f"concatenate_datasets of the rl parquet shards failed (their schemas differ?): {err!r}")
        return {}
    try:
        datasets.load_dataset("parquet", data_files=parquet_files, split="train")
    except Exception as err:
        report.fail(f"load_dataset('parquet', rl/*.parquet together) failed: {err!r}")
    for order, data_files in (("sorted", jsonl_files), ("reversed", list(reversed(jsonl_files)))):
        try:  # the readable copy must load as one table too, without the card's features
            datasets.load_dataset("json", data_files=data_files, split="train")
        except Exception as err:
            report.fail(f"load_dataset('json', rl/*.jsonl in {order} order) failed: {err!r} (cause: {err.__cause__!r})")
    report.facts["rl_features"] = str(ds.features)
    images_type = ds.features["images"]
    report.check(str(images_type) == str(datasets.List({"bytes": datasets.Value("binary"), "path": datasets.Value("string")})),
                 f"rl images column is {images_type}, expected list<struct<bytes: binary, path: string>>")
    pass_columns = [c for c, _, _ in PASS_COLUMNS if c in ds.column_names]
    report.facts["pass_columns"] = pass_columns
    for column in pass_columns:
        report.check(str(ds.features[column]) == str(images_type), f"rl {column} column is {ds.features[column]}, expected the images column's type")
    twins = [line for f in jsonl_files for line in read_jsonl(f)]
    report.check(len(ds) == len(twins), f"rl: {len(ds)} parquet rows, {len(twins)} JSONL lines")
    families = {}
    mismatches = 0
    one_image = 0
    for i, row in enumerate(ds):
        info = row["extra_info"]
        rid = info["id"]
        families[info["family"]] = families.get(info["family"], 0) + 1
        content = row["prompt"][0]["content"]
        report.check(content.count(IMAGE_TOKEN) == len(row["images"]), f"rl {rid}: {content.count(IMAGE_TOKEN)} <image> tokens for {len(row['images'])} images")
        report.check(len(row["images"]) == len(info["images"]), f"rl {rid}: {len(row['images'])} embedded images, extra_info names {len(info['images'])}")
        if len(row["images"]) == 1:
            one_image += 1
        for k, im in enumerate(row["images"]):
            try:
                open_image_bytes(im["bytes"])
            except Exception as err:
                report.fail(f"rl {rid}: image {k} does not decode from its embedded bytes: {err!r}")
            digest = hashlib.sha256(im["bytes"]).hexdigest()
            report.check(digest == info["images"][k]["sha256"], f"rl {rid}: embedded image {k} has sha256 {digest}, extra_info says {info['images'][k]['sha256']}")
            report.check(im["path"] == info["images"][k]["path"], f"rl {rid}: image {k} path {im['path']!r} differs from extra_info")
        for column, pass_name, modes in PASS_COLUMNS:
            if column not in pass_columns:
                continue
            files = row[column]
            report.check(len(files) == len(row["images"]), f"rl {rid}: {len(files)} {column} for {len(row['images'])} images")
            for k, f in enumerate(files):
                ref = info["images"][k][pass_name]
                report.check(ref is not None and f["path"] == ref["path"], f"rl {rid}: {pass_name} {k} path {f['path']!r} differs from extra_info ({ref!r})")
                report.check(ref is not None and hashlib.sha256(f["bytes"]).hexdigest() == ref["sha256"], f"rl {rid}: embedded {pass_name} {k} differs from the sha256 in extra_info")
                try:
                    mode = image_mode(f["bytes"])
                    report.check(mode in modes, f"rl {rid}: {pass_name} {k} decodes as mode {mode}, expected one of {modes}")
                except Exception as err:
                    report.fail(f"rl {rid}: {pass_name} {k} does not decode from its embedded bytes: {err!r}")
        gt = row["reward_model"]["ground_truth"]
        report.check(gt in letters(info["options"]), f"rl {rid}: ground truth {gt!r} is not one of the option letters")
        if i < len(twins):
            mine = drop_absent(normalise_row(row), twins[i])
            if mine != twins[i]:
                mismatches += 1
                if mismatches <= 3:
                    diff = [k for k in twins[i] if mine.get(k) != twins[i][k]]
                    report.fail(f"rl row {i} ({rid}) differs from its JSONL twin in {diff}")
            report.check(list(mine.keys()) == list(twins[i].keys()), f"rl row {i}: column order {list(mine.keys())} differs from the JSONL key order")
    report.facts["rl_rows"] = len(ds)
    report.facts["rl_one_image_rows"] = one_image
    report.facts["rl_shards"] = len(parquet_files)
    return families


def check_hf_layout(out, report, sft_rows, rl_rows):
    """load_dataset(<out>) through the dataset card's configs, no other argument."""
    try:
        names = datasets.get_dataset_config_names(out)
        report.check(sorted(names) == ["rl", "sft"], f"dataset card configs are {names}, expected sft and rl")
    except Exception as err:
        report.fail(f"get_dataset_config_names(<out>) failed: {err!r}")
    try:
        default = datasets.load_dataset(out)
        report.check(list(default.keys()) == ["train"], f"load_dataset(<out>) splits: {list(default.keys())}")
        report.check(len(default["train"]) == sft_rows, f"load_dataset(<out>) gave {len(default['train'])} rows, sft holds {sft_rows}")
        report.check("messages" in default["train"].column_names, "load_dataset(<out>) did not load the sft config by default")
    except Exception as err:
        report.fail(f"load_dataset(<out>) failed: {err!r} (cause: {err.__cause__!r})")
    try:
        rl = datasets.load_dataset(out, "rl", split="train")
        report.check(len(rl) == rl_rows, f"load_dataset(<out>, 'rl') gave {len(rl)} rows, rl holds {rl_rows}")
        report.check("reward_model" in rl.column_names, "load_dataset(<out>, 'rl') did not load the rl records")
        twins = [line for f in list_shards(os.path.join(out, "rl"), ".jsonl") for line in read_jsonl(f)]
        loaded = rl.to_list()
        report.check(len(loaded) == len(twins) and [drop_absent(r, t) for r, t in zip(loaded, twins)] == twins,
                     "load_dataset(<out>, 'rl') rows differ from the rl JSONL lines")
    except Exception as err:
        report.fail(f"load_dataset(<out>, 'rl') failed: {err!r} (cause: {err.__cause__!r})")


def check_reward(scores_path, report):
    with open(scores_path, encoding="utf-8") as f:
        table = json.load(f)
    report.check(len(table) >= 7, f"the completion table has {len(table)} rows")
    rows = []
    for row in table:
        ref = reward_reference.reward(row["completion"], row["ground_truth"])
        ts = {k: row[k] for k in ("format", "accuracy", "total")}
        same = all(float(ts[k]) == ref[k] for k in ref)
        rows.append({"case": row["case"], "python": ref, "typescript": ts, "equal": same})
        report.check(same, f"reward parity: {row['case']!r}: TypeScript {ts}, Python reference {ref} (completion {row['completion']!r}, ground truth {row['ground_truth']!r})")
    report.facts["reward_cases"] = len(rows)
    report.facts["reward_table"] = rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--families", required=True, help="comma-separated families that must all appear")
    parser.add_argument("--scores", required=True)
    parser.add_argument("--system-prompt-file", default=None)
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    expected_system = None
    if args.system_prompt_file:
        with open(args.system_prompt_file, encoding="utf-8") as f:
            expected_system = f.read().rstrip()
    report = Report()
    report.facts["versions"] = {"datasets": datasets.__version__, "pyarrow": __import__("pyarrow").__version__, "Pillow": Image.__version__}
    families = {}
    for name, step in (
        ("sft", lambda: check_sft(out, report, expected_system)),
        ("rl", lambda: check_rl(out, report)),
    ):
        try:
            for fam, n in step().items():
                families[fam] = families.get(fam, 0) + n
        except Exception:
            report.fail(f"the {name} check crashed:\n{traceback.format_exc()}")
    try:
        check_hf_layout(out, report, report.facts.get("sft_rows", -1), report.facts.get("rl_rows", -1))
    except Exception:
        report.fail(f"the Hugging Face layout check crashed:\n{traceback.format_exc()}")
    try:
        check_reward(args.scores, report)
    except Exception:
        report.fail(f"the reward parity check crashed:\n{traceback.format_exc()}")
    expected = [f for f in args.families.split(",") if f]
    missing = [f for f in expected if f not in families]
    report.check(not missing, f"families missing from the loaded data: {missing} (found {sorted(families)})")
    report.facts["families"] = dict(sorted(families.items()))
    for message in report.failures[:MAX_LISTED]:
        print(f"FAIL: {message}", file=sys.stderr)
    if len(report.failures) > MAX_LISTED:
        print(f"FAIL: … and {len(report.failures) - MAX_LISTED} more", file=sys.stderr)
    print(json.dumps({"ok": not report.failures, "failures": report.failures[:MAX_LISTED], **report.facts}))
    sys.exit(0 if not report.failures else 1)


if __name__ == "__main__":
    main()
