"""Daily SDIM features for CTR training and serving. Upstream keeps the item embedding table at
{{ var.value.spp_landing }}/sdim/items (item, embedding), appends the behaviour log at
{{ var.value.spp_warehouse }}/behaviors (user, ts, item) and drops the day's impressions at
{{ var.value.spp_landing }}/sdim/<ds>/impressions. Signatures are rehashed from the current embeddings (a fixed seed
in conf/sdim-signatures.conf keeps them stable); the per-user bucket tables move forward incrementally to the end of
the day (one Delta MERGE); the day's impressions get point-in-time SDIM features in their own run_id slice.
"""
from datetime import datetime

from airflow import DAG

from spp_common import DEFAULT_ARGS, LANDING, REPORTS, WAREHOUSE, spp_task

with DAG(
    dag_id="spp_sdim_features",
    description="SDIM signatures, per-user bucket tables and point-in-time interest features",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,  # the bucket table moves forward one day at a time
    default_args=DEFAULT_ARGS,
    tags=["spp", "ctr", "sdim"],
) as dag:
    signatures = spp_task(
        "item_signatures",
        "sdim-signatures",
        ["--items", LANDING + "/sdim/items", "--output", WAREHOUSE + "/sdim_signatures"],
        config="sdim-signatures.conf",
    )
    buckets = spp_task(
        "user_buckets",
        "sdim-bse",
        [
            "--behaviors", WAREHOUSE + "/behaviors", "--signatures", WAREHOUSE + "/sdim_signatures",
            "--as-of", "{{ ds }} 23:59:59", "--incremental", "--output", WAREHOUSE + "/sdim_user_buckets",
        ],
        config="sdim-bse.conf",
    )
    features = spp_task(
        "impression_features",
        "sdim-features",
        [
            "--impressions", LANDING + "/sdim/{{ ds }}/impressions", "--behaviors", WAREHOUSE + "/behaviors",
            "--signatures", WAREHOUSE + "/sdim_signatures", "--output", WAREHOUSE + "/sdim_features",
            "--write-mode", "slice", "--report-dir", REPORTS + "/sdim-features/{{ ds }}",
        ],
        config="sdim-features.conf",
    )
    signatures >> [buckets, features]
