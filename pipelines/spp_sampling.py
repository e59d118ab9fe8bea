"""Daily sampling pipeline: import the day's raw table, draw an l1 Lewis-weight sample of it, and fit l1 regression
on the sample, evaluated on the full day. Upstream drops {{ var.value.spp_landing }}/sampling/<ds>/table.csv; the
columns below are those of the bundled example (data/randhie): set FEATURES and TARGET to your table's.
"""
from datetime import datetime

from airflow import DAG

from spp_common import DEFAULT_ARGS, LANDING, REPORTS, WAREHOUSE, spp_task

FEATURES = "lncoins,idp,lpi,fmde,physlm,disea,hlthg,hlthf,hlthp"
TARGET = "mdvis"
RAW = LANDING + "/sampling/{{ ds }}/table.csv"

with DAG(
    dag_id="spp_sampling",
    description="l1 sensitivity sampling of the day's table and the regression that shows the sample is good",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["spp", "sampling"],
) as dag:
    imported = spp_task(
        "import_table", "import-csv",
        ["--input", RAW, "--output", WAREHOUSE + "/sampling_input", "--write-mode", "slice"],
        config="import-csv.conf",
    )
    sample = spp_task(
        "sensitivity_sample", "sensitivity-sample",
        ["--input", WAREHOUSE + "/sampling_input", "--where", "run_id = '{{ ds }}'",
         "--features", FEATURES, "--target", TARGET, "--intercept", "--size", "10000",
         "--output", WAREHOUSE + "/sampling_sample", "--write-mode", "slice",
         "--report-dir", REPORTS + "/sensitivity-sample/{{ ds }}"],
        config="sensitivity-sample.conf",
    )
    fit = spp_task(
        "l1_regression_on_sample", "lp-regression",
        ["--input", WAREHOUSE + "/sampling_sample", "--where", "run_id = '{{ ds }}'",
         "--features", FEATURES, "--target", TARGET, "--intercept", "--weight-col", "weight",
         "--evaluate-on", RAW, "--output", WAREHOUSE + "/sampling_l1_coefficients", "--write-mode", "slice",
         "--report-dir", REPORTS + "/lp-regression/{{ ds }}"],
        config="lp-regression.conf",
    )
    imported >> sample >> fit
