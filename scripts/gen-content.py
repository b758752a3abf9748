#!/usr/bin/env python3
"""Writes a large, valid content folder for benchmarks: the sample pack's site, medications and
testimonials, plus N generated conditions shaped like real ones (front matter with codes, red
flags, medications, review and sources; a ~500-word body in six sections).

usage: scripts/gen-content.py OUT_DIR [N=10000]
"""
import os
import random
import re
import shutil
import sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "content")
rng = random.Random(42)

if n < 1:
    sys.exit("gen-content.py: N must be at least 1")

shutil.rmtree(out, ignore_errors=True)
shutil.copytree(root, out, ignore=shutil.ignore_patterns("conditions"))
os.makedirs(os.path.join(out, "conditions"))

# The sample's home page features sample conditions, which are not copied: feature generated
# ones instead, or `pestle check` refuses the pack for naming pages it does not contain.
site_toml = os.path.join(out, "site.toml")
site = open(site_toml).read()
featured = ", ".join(f'"generated-condition-{i:05d}"' for i in range(min(6, n)))
site, replaced = re.subn(r"(?m)^featured = \[.*\]$", f"featured = [{featured}]", site)
if replaced != 1:
    sys.exit(f"gen-content.py: expected one `featured = [...]` line in {site_toml}")
open(site_toml, "w").write(site)

# English entries only: `<slug>.es.toml` is a translation, not a medication of its own.
def entries(folder):
    return sorted(f[:-5] for f in os.listdir(os.path.join(root, folder)) if f.count(".") == 1)


meds = entries("medications")
status = {}
compounded = set()
for m in meds:
    text = open(os.path.join(root, "medications", m + ".toml")).read()
    status[m] = text.split('status = "')[1].split('"')[0]
    if "[compounding]" in text:
        compounded.add(m)
otc = [m for m in meds if status[m] in ("over-the-counter", "supplement")]
rx = [m for m in meds if status[m] in ("prescription", "controlled")]
comp = sorted(compounded)
testimonials = entries("testimonials")
words = ("muscle pain skin nerve cramp swelling night rest water cream doctor pharmacist "
         "treatment blood walk sleep heat cold stretch joint mild sharp often sometimes").split()


def sentence():
    return " ".join(rng.choice(words) for _ in range(rng.randint(8, 16))).capitalize() + "."


def paragraph():
    return " ".join(sentence() for _ in range(rng.randint(4, 7)))


def q(items):
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


# Titles start with words spread over the alphabet as real condition names are (more under S
# and C than under Q or X), so the A-Z's letter pages are shaped like a real library's. Picked by
# index, not by `rng`, so the rest of the generated text stays what it was.
FIRST_WORDS = """Abdominal Acute Allergic Anal Arterial Back Benign Bladder Bone Cardiac Cervical Chronic
Contact Corneal Dental Diabetic Digestive Ear Eczematous Elbow Facial Fungal Gastric Genital Hand
Heel Hip Inflammatory Joint Juvenile Kidney Knee Lower Lung Muscle Nasal Nerve Ocular Oral
Pelvic Plantar Postural Quadriceps Rectal Renal Scalp Seasonal Shoulder Sinus Skin Spinal
Thyroid Tendon Upper Urinary Vaginal Vascular Wrist Xerotic Yeast Zygomatic""".split()

for i in range(n):
    slug = f"generated-condition-{i:05d}"
    title = f"{FIRST_WORDS[(i * 7919) % len(FIRST_WORDS)]} condition {i}"
    related = [f"generated-condition-{r:05d}" for r in rng.sample(range(n), 2)]
    front = f"""title = "{title}"
summary = "{sentence()}"
also_called = {q([f"lay name {i}", f"another name {i}"])}
category = "Category {i % 12}"
codes = ["ICD-10-CM:R{i % 100:02d}.{i % 10}"]
related = {q(related)}
testimonials = {q(rng.sample(testimonials, 1))}

[medications]
over_the_counter = {q(rng.sample(otc, 2))}
prescription = {q(rng.sample(rx, 2))}
compounded = {q(rng.sample(comp, 3))}

[[red_flags]]
level = "emergency"
text = "{sentence()}"

[[red_flags]]
level = "urgent"
text = "{sentence()}"

[review]
by = "A. Pharmacist, PharmD"
on = 2026-01-15
next = 2027-01-15

[[sources]]
title = "MedlinePlus"
url = "https://medlineplus.gov/"
"""
    sections = ["Overview", "Symptoms", "Causes", "Risk factors", "Treatment", "When to get help"]
    body = "".join(f"\n## {s}\n{paragraph()}\n" for s in sections)
    with open(os.path.join(out, "conditions", slug + ".md"), "w") as f:
        f.write(f"+++\n{front}+++\n{body}")
print(f"wrote {n} conditions to {out}")
