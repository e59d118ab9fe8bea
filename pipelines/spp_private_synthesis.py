"""Weekly private release: a differentially private synthetic copy of the week's survey extract, checked against and
recorded in the privacy budget ledger, then exported as CSV for the consumers. Upstream drops
{{ var.value.spp_landing }}/survey/<ds>/survey.csv with the columns of data/pums/PUMS.csv; the public domain file is
conf/pums-domain.json in spp_conf_dir (a copy of data/pums/pums-domain.json).

Privacy: each week is one release of dataset "survey" at epsilon 1; the ledger refuses a release that would take the
dataset past epsilon 8 (zCDP composition). The release reserves its budget in the ledger before it reads the extract,
so backfills or parallel runs cannot overspend it together (the loser of a race re-checks the cap, and fails with the
numbers if it no longer fits). The noise secret comes from the Airflow Variable spp_noise_seed through the environment
(never on the command line), so a retry of the same ds replays the same release instead of drawing new noise, and the
ledger records each week once. After the release, privacy-ledger writes the dataset's budget (spent, reserved,
remaining under the cap) as a slice of warehouse/privacy_budget and a report. Before all of it, privacy-audit attacks
the same mechanism on the bundled public table and fails the run on a VIOLATION.
"""
from datetime import datetime

from airflow import DAG

from spp_common import DEFAULT_ARGS, CONF, LANDING, REPORTS, WAREHOUSE, spp_task

with DAG(
    dag_id="spp_private_synthesis",
    description="Private-GSD synthetic data releases with a budget ledger",
    schedule="@weekly",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,  # one release a week; the ledger would also keep concurrent runs within the cap
    default_args=DEFAULT_ARGS,
    tags=["spp", "privacy", "synthetic-data"],
) as dag:
    # The mechanism of the release: what the audit attacks and the release runs.
    mechanism = [
        "--domain", CONF + "/pums-domain.json",
        "--epsilon", "1", "--delta", "1e-6",
        "--workload", "marginals:2,range:income|sex,range:age",
    ]
    # Before the release: audit the configuration on the bundled public table of the same domain (an audit is not
    # private, so never on the survey itself); a VIOLATION fails the run before anything is released.
    audit = spp_task(
        "audit_configuration",
        "privacy-audit",
        ["--input", CONF + "/pums-public.csv", "--audit", "white-box", "--trials", "100000"] + mechanism + [
            "--fail-on-violation",
            "--output", WAREHOUSE + "/privacy_audits/trials", "--estimates", WAREHOUSE + "/privacy_audits/estimates",
            "--report-dir", REPORTS + "/privacy-audit/{{ ds }}",
        ],
        config="privacy-audit.conf",
    )
    release = [
        "--input", LANDING + "/survey/{{ ds }}/survey.csv", "--format", "csv",
    ] + mechanism + [
        "--rows", "2000",
        "--ledger", WAREHOUSE + "/privacy_ledger", "--dataset-id", "survey", "--budget-cap", "8",
        "--noise-seed", "env:SPP_NOISE_SEED",
        "--output", WAREHOUSE + "/survey_synthetic", "--write-mode", "slice",
    ]
    noise = {"SPP_NOISE_SEED": "{{ var.value.spp_noise_seed }}"}
    # The ledger check alone: --dry-run validates the release against the budget cap (exit 2 with the numbers if it
    # would exceed it) without reading the data or writing anything, so an over-budget week fails visibly here. The
    # release itself checks again when it reserves its budget, atomically.
    check = spp_task("check_budget", "gsd-synthesize", release + ["--dry-run"], config="gsd-synthesize.conf",
                     env_vars=noise)
    synthesize = spp_task(
        "synthesize",
        "gsd-synthesize",
        release + ["--report-dir", REPORTS + "/gsd-synthesize/{{ ds }}"],
        config="gsd-synthesize.conf",
        env_vars=noise,
    )
    export = spp_task(
        "export_synthetic",
        "export",
        [
            "--input", WAREHOUSE + "/survey_synthetic", "--where", "run_id = '{{ ds }}'",
            "--columns", "age,sex,educ,race,income,married",
            "--output", WAREHOUSE + "/exports/survey_synthetic/{{ ds }}.csv", "--single-file",
        ],
        config="export.conf",
    )
    budget = spp_task(
        "budget_report",
        "privacy-ledger",
        [
            "--ledger", WAREHOUSE + "/privacy_ledger", "--dataset-id", "survey", "--delta", "1e-6",
            "--budget-cap", "8", "--output", WAREHOUSE + "/privacy_budget", "--write-mode", "slice",
            "--report-dir", REPORTS + "/privacy-ledger/{{ ds }}",
        ],
        config="privacy-ledger.conf",
    )
    audit >> check >> synthesize >> [export, budget]
