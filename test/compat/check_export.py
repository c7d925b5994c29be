"""Reads viewforge's evaluation exports as the evaluators do, and writes prediction files in their formats.

Usage: check_export.py --out <dataset> --vlm <dir> --name <Name> --lmms <dir> --preds <dir>

- VLMEvalKit: <Name>.tsv, <Name>_circular.tsv, <Name>_flip.tsv read with pandas (sep="\t", as
  VLMEvalKit's load() does); `image` decoded (a JSON list of base64 strings) to the dataset's own
  image bytes; question, options, answer, category, split equal to the records; every circular
  group holds each rotation of the options with the right answer; every flipped row's images are
  the mirrored originals pixel for pixel and its answer the mirrored one (derived here on its own:
  sides and turning senses swap for the families that say so).
- lmms-eval: the task YAML parsed (with lmms-eval's `!function` tag), its data loaded with
  `datasets.load_dataset(dataset_path, data_files=..., split=test_split)` exactly as the YAML says,
  and utils.py's functions called on every document.
- Predictions: a VLMEvalKit-style .xlsx (pandas + openpyxl, as VLMEvalKit's dump() writes) for the
  plain TSV, .tsv files for the circular and flip TSVs, and lmms-eval logged samples; the expected
  scores computed here are printed for the TypeScript side to compare with `npm run score`.

Prints one JSON object: {"failures": [...], "expected": {...}, "rows": {...}}.
"""
import argparse
import base64
import importlib.util
import io
import json
import math
import os
import re
import sys

import pandas as pd
import yaml
from datasets import load_dataset
from PIL import Image, ImageOps

SAME = {"relative-depth", "elevation", "distance", "object-depth", "object-distance", "object-count"}
SWAP = {"ego-turn", "object-rotation", "orbit", "orbit-direction", "perspective", "perspective-taking", "object-left-right", "object-move", "camera-move"}
WORDS = {"left": "right", "right": "left", "clockwise": "counter-clockwise", "counter-clockwise": "clockwise"}

failures = []


def check(cond, message):
    if not cond:
        failures.append(message)


def mirror_text(text):
    return re.sub(r"\b(counter-clockwise|clockwise|left|right)\b", lambda m: WORDS[m.group(1)], text)


def load_records(out):
    records = {}
    for kind in ("sft", "rl"):
        folder = os.path.join(out, kind)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".jsonl"):
                continue
            with open(os.path.join(folder, name)) as f:
                for line in f:
                    if line.strip():
                        rec = json.loads(line)
                        meta = rec.get("meta") or rec.get("extra_info")
                        records.setdefault(meta["id"], meta)
    return records


def options_of(row):
    opts = []
    for letter in "ABCDEFGHIJ":
        if letter not in row or (isinstance(row[letter], float) and math.isnan(row[letter])) or row[letter] == "":
            break
        opts.append(str(row[letter]))
    return opts


def decoded_images(cell):
    return [base64.b64decode(s) for s in json.loads(cell)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out")
    ap.add_argument("--vlm")
    ap.add_argument("--name")
    ap.add_argument("--lmms")
    ap.add_argument("--preds")
    a = ap.parse_args()
    records = load_records(a.out)
    rows_read = {}

    # --- VLMEvalKit: the plain TSV
    plain = pd.read_csv(os.path.join(a.vlm, f"{a.name}.tsv"), sep="\t")
    rows_read["plain"] = len(plain)
    check(len(plain) == len(records), f"plain TSV has {len(plain)} rows, dataset {len(records)} samples")
    check(plain["index"].is_unique and str(plain["index"].dtype).startswith("int"), "index column not unique integers")
    for _, row in plain.iterrows():
        meta = records.get(row["id"])
        if meta is None:
            failures.append(f"plain row id {row['id']} is no record")
            continue
        images = decoded_images(row["image"])
        originals = [open(os.path.join(a.out, img["path"]), "rb").read() for img in meta["images"]]
        check(images == originals, f"{row['id']}: image bytes differ from the dataset's")
        check(row["question"] == meta["question"], f"{row['id']}: question differs")
        check(options_of(row) == meta["options"], f"{row['id']}: options {options_of(row)} != {meta['options']}")
        check(row["answer"] == meta["answer"], f"{row['id']}: answer differs")
        check(row["category"] == meta["family"] and row["split"] == meta["split"], f"{row['id']}: category/split differ")
        check(row["l2-category"] == meta["difficulty"]["bin"], f"{row['id']}: l2-category differs")

    # --- circular
    circ = pd.read_csv(os.path.join(a.vlm, f"{a.name}_circular.tsv"), sep="\t")
    rows_read["circular"] = len(circ)
    check(circ["index"].is_unique, "circular index not unique")
    for g, group in circ.groupby("g_index"):
        meta = records[group.iloc[0]["id"]]
        n = len(meta["options"])
        check(len(group) == n, f"group {g}: {len(group)} rows for {n} options")
        seen = set()
        correct = meta["options"][ord(meta["answer"]) - 65]
        for _, row in group.iterrows():
            opts = options_of(row)
            check(sorted(opts) == sorted(meta["options"]), f"group {g}: options are not a rotation")
            check(opts[ord(row["answer"]) - 65] == correct, f"group {g}: answer {row['answer']} does not point at {correct!r}")
            seen.add(tuple(opts))
        check(len(seen) == n, f"group {g}: rotations repeat")

    # --- flip
    flip = pd.read_csv(os.path.join(a.vlm, f"{a.name}_flip.tsv"), sep="\t")
    rows_read["flip"] = len(flip)
    flippable = [m for m in records.values() if m["family"] in SAME | SWAP]
    check(len(flip) == len(flippable), f"flip TSV has {len(flip)} rows, {len(flippable)} samples of mirror families")
    for _, row in flip.iterrows():
        check(row["id"].endswith("-flip") and row["qid"].endswith("-flip"), f"{row['id']}: id/qid do not end in -flip")
        meta = records[row["id"][: -len("-flip")]]
        for encoded, img in zip(json.loads(row["image"]), meta["images"]):
            mirrored = Image.open(io.BytesIO(base64.b64decode(encoded))).convert("RGB")
            expected = ImageOps.mirror(Image.open(os.path.join(a.out, img["path"])).convert("RGB"))
            check(mirrored.tobytes() == expected.tobytes(), f"{row['id']}: image is not the mirrored original")
        correct = meta["options"][ord(meta["answer"]) - 65]
        want = correct if meta["family"] in SAME else mirror_text(correct)
        check(options_of(row)[ord(row["answer"]) - 65] == want, f"{row['id']}: flipped answer is not {want!r}")

    # --- lmms-eval
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!function", lambda loader, node: ("function", loader.construct_scalar(node)))
    name = a.name
    with open(os.path.join(a.lmms, f"{name}.yaml")) as f:
        task = yaml.load(f, Loader=Loader)
    check(task["output_type"] == "generate_until", "lmms task: output_type")
    check(task["metric_list"][0]["metric"] == "accuracy", "lmms task: metric")
    for key in ("doc_to_visual", "doc_to_text", "doc_to_target", "process_results"):
        check(task[key] == ("function", f"utils.{key}"), f"lmms task: {key} is {task[key]}")
    docs = load_dataset(task["dataset_path"], data_files=task["dataset_kwargs"]["data_files"], split=task["test_split"])
    rows_read["lmms"] = len(docs)
    check(len(docs) == len(records), f"lmms data: {len(docs)} rows")
    spec = importlib.util.spec_from_file_location("utils", os.path.join(a.lmms, "utils.py"))
    utils = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(utils)
    samples = []
    for i, doc in enumerate(docs):
        meta = records[doc["id"]]
        visuals = utils.doc_to_visual(doc)
        originals = [Image.open(os.path.join(a.out, img["path"])).convert("RGB") for img in meta["images"]]
        check([v.tobytes() for v in visuals] == [o.tobytes() for o in originals], f"lmms {doc['id']}: visuals differ")
        text = utils.doc_to_text(doc)
        check(text.startswith(meta["question"]) and all(f"{chr(65 + k)}. {o}" in text for k, o in enumerate(meta["options"])), f"lmms {doc['id']}: doc_to_text")
        check(utils.doc_to_target(doc) == meta["answer"], f"lmms {doc['id']}: target")
        right = utils.process_results(doc, [f"<think>...</think><answer>{meta['answer']}</answer>"])
        check(right == {"accuracy": 1.0}, f"lmms {doc['id']}: process_results on the right answer gave {right}")
        wrong_letter = "A" if meta["answer"] != "A" else "B"
        check(utils.process_results(doc, [wrong_letter])["accuracy"] == 0.0, f"lmms {doc['id']}: a wrong letter scored")
        # Logged samples: right on even documents, a wrong letter on odd ones.
        resp = meta["answer"] if i % 2 == 0 else wrong_letter
        samples.append({"doc_id": i, "doc": {k: v for k, v in doc.items() if k != "images"}, "target": meta["answer"], "resps": [[resp]], "filtered_resps": [resp]})
    with open(os.path.join(a.preds, "samples_lmms.jsonl"), "w") as f:
        for s in samples:
            f.write(json.dumps(s) + "\n")
    lmms_expected = sum(1 for i in range(len(samples)) if i % 2 == 0) / len(samples)

    # --- VLMEvalKit prediction files: right on even rows of the plain TSV, a wrong letter on odd rows
    def wrong(letter, n):
        return chr(65 + ((ord(letter) - 65 + 1) % n))

    p = plain.copy()
    p["prediction"] = [r["answer"] if k % 2 == 0 else wrong(r["answer"], len(options_of(r))) for k, (_, r) in enumerate(p.iterrows())]
    p.to_excel(os.path.join(a.preds, f"model_{a.name}.xlsx"), index=False, engine="openpyxl")
    plain_expected = sum(1 for k in range(len(p)) if k % 2 == 0) / len(p)
    # circular: every rotation right, except one wrong rotation in the first group
    c = circ.copy()
    first = c["g_index"].iloc[0]
    preds = []
    spoiled = False
    for _, r in c.iterrows():
        if r["g_index"] == first and not spoiled:
            preds.append(f"({wrong(r['answer'], len(options_of(r)))})")
            spoiled = True
        else:
            preds.append(f"{r['answer']}. {options_of(r)[ord(r['answer']) - 65]}")
    c["prediction"] = preds
    c.to_csv(os.path.join(a.preds, f"model_{a.name}_circular.tsv"), sep="\t", index=False)
    groups = c["g_index"].nunique()
    circular_expected = (groups - 1) / groups
    # flip: the mirror of the plain prediction (consistent) on every row except the first flipped one
    plain_pred = dict(zip(p["id"], p["prediction"]))
    f_rows = flip.copy()
    fpreds = []
    consistent = 0
    for k, (_, r) in enumerate(f_rows.iterrows()):
        meta = records[r["id"][: -len("-flip")]]
        chosen = meta["options"][ord(plain_pred[meta["id"]]) - 65]
        mirrored = chosen if meta["family"] in SAME else mirror_text(chosen)
        opts = options_of(r)
        if k == 0:
            # inconsistent: keep the plain letter's text when it differs from its mirror, else pick another option
            other = next(o for o in opts if o != mirrored)
            fpreds.append(chr(65 + opts.index(other)))
        else:
            fpreds.append(chr(65 + opts.index(mirrored)))
            consistent += 1
    f_rows["prediction"] = fpreds
    f_rows.to_csv(os.path.join(a.preds, f"model_{a.name}_flip.tsv"), sep="\t", index=False)
    flip_consistency = consistent / len(f_rows)

    print(json.dumps({
        "failures": failures,
        "rows": rows_read,
        "expected": {"plain": plain_expected, "circular": circular_expected, "flip_consistency": flip_consistency, "lmms": lmms_expected, "circular_groups": groups, "flip_rows": len(f_rows)},
    }))


if __name__ == "__main__":
    main()
