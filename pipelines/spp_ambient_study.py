"""Weekly data-mix scaling study: the week's clean reference vectors become clean/noisy mixes, the proxy learner
(XD-EM) and its naive control are fitted to every mix, and scaling laws price a noisy sample in clean ones. Upstream
drops a table of clean vectors at {{ var.value.spp_landing }}/ambient/<ds>/clean (an array column `vector`, or
export image columns into one). Each run writes its own folder of tables under spp_warehouse/ambient/<ds>, so a
retry or backfill replaces exactly that week; the three tasks run in order.
"""
from datetime import datetime

from airflow import DAG

from spp_common import DEFAULT_ARGS, LANDING, REPORTS, WAREHOUSE, spp_task

RUN = WAREHOUSE + "/ambient/{{ ds }}"

with DAG(
    dag_id="spp_ambient_study",
    description="Clean/noisy data-mix scaling study with a noise-aware proxy learner",
    schedule="@weekly",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["spp", "data-mix", "scaling-laws"],
) as dag:
    mixes = spp_task(
        "build_mixes",
        "ambient-mix",
        [
            "--input", LANDING + "/ambient/{{ ds }}/clean", "--vector-col", "vector",
            "--sizes", "500,1000,2000,5000,10000", "--seed", "{{ ds_nodash }}",
            "--output", RUN + "/mixes", "--report-dir", REPORTS + "/ambient-mix/{{ ds }}",
        ],
        config="ambient-mix.conf",
    )
    study = spp_task(
        "fit_mixes",
        "ambient-study",
        ["--mixes", RUN + "/mixes", "--output", RUN + "/results", "--report-dir", REPORTS + "/ambient-study/{{ ds }}"],
        config="ambient-study.conf",
    )
    fit = spp_task(
        "fit_scaling_laws",
        "ambient-fit",
        ["--results", RUN + "/results", "--output", RUN + "/fits", "--report-dir", REPORTS + "/ambient-fit/{{ ds }}"],
        config="ambient-fit.conf",
    )
    mixes >> study >> fit
