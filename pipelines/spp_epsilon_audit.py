"""Daily privacy audit: epsilon estimates (and the epsilon(delta) curve per model) from the day's
membership-inference results, then the selected rows exported as CSV for the audit team. Upstream drops {{ var.value.spp_landing }}/mia/<ds>/attack-scores.csv with
columns model, challenge_id, is_member, score (see data/mia-demo for an example). Each run writes its own run_id
slice of the estimates table, so a retry or a backfill replaces exactly that day.
"""
from datetime import datetime

from airflow import DAG

from spp_common import DEFAULT_ARGS, LANDING, REPORTS, WAREHOUSE, spp_task

with DAG(
    dag_id="spp_epsilon_audit",
    description="Bayesian and Clopper-Pearson epsilon estimates from membership-inference audits",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["spp", "privacy", "audit"],
) as dag:
    estimate = spp_task(
        "estimate_epsilon",
        "epsilon-estimate",
        [
            "--input", LANDING + "/mia/{{ ds }}/attack-scores.csv", "--format", "csv",
            "--member-col", "is_member", "--score-col", "score", "--group-cols", "model",
            "--challenge-col", "challenge_id",
            "--delta-grid", "1e-10:1e-2:50", "--curve-output", WAREHOUSE + "/epsilon_curves",
            "--output", WAREHOUSE + "/epsilon_estimates", "--write-mode", "slice",
            "--report-dir", REPORTS + "/epsilon-estimate/{{ ds }}",
        ],
        config="epsilon-estimate.conf",
    )
    export = spp_task(
        "export_selected_estimates",
        "export",
        [
            "--input", WAREHOUSE + "/epsilon_estimates", "--where", "run_id = '{{ ds }}' AND selected",
            "--output", WAREHOUSE + "/exports/epsilon/{{ ds }}.csv", "--single-file",
        ],
        config="export.conf",
    )
    estimate >> export
