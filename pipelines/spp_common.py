"""Shared pieces of the spp DAGs: one SparkSubmitOperator per job command, the jar and paths from Airflow Variables.

Nothing here does work at import time: Variables are read by Jinja when a task runs ({{ var.value.x }}), never with
Variable.get() at parse time. Airflow Variables used:
  spp_jar       path of jobs/target/spp-jobs-<version>.jar where the Spark cluster can read it
  spp_conf_dir  folder holding this repository's conf/ files (spark-defaults.conf and one HOCON file per job)
  spp_warehouse root of the output tables
  spp_landing   root where upstream systems drop raw inputs, one folder per {{ ds }}
  spp_reports   root of the job reports
  spp_noise_seed  secret (>= 16 characters) fixing the privacy noise of a release per run id (spp_private_synthesis)
The Spark connection is spark_default (conn_id), as SparkSubmitOperator expects.
"""
from datetime import timedelta

from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

MAIN_CLASS = "org.samplingprivacy.jobs.Main"
JAR = "{{ var.value.spp_jar }}"
CONF = "{{ var.value.spp_conf_dir }}"
WAREHOUSE = "{{ var.value.spp_warehouse }}"
LANDING = "{{ var.value.spp_landing }}"
REPORTS = "{{ var.value.spp_reports }}"

DEFAULT_ARGS = {
    "owner": "ml-platform",
    "retries": 2,
    "retry_delay": timedelta(minutes=10),
    "depends_on_past": False,
}


def spp_task(task_id, command, args, config=None, spark_conf=None, env_vars=None):
    """A task running `spp <command> <args>` with this run's --run-id ({{ ds }}) and, if given, conf/<config>.

    env_vars reach the spark-submit process, hence the driver in client deploy mode (in cluster mode pass them as
    spark.yarn.appMasterEnv.* or spark.kubernetes.driverEnv.* in spark_conf instead)."""
    application_args = [command]
    if config:
        application_args += ["--config", CONF + "/" + config]
    application_args += list(args) + ["--run-id", "{{ ds }}"]
    return SparkSubmitOperator(
        task_id=task_id,
        application=JAR,
        java_class=MAIN_CLASS,
        application_args=application_args,
        properties_file=CONF + "/spark-defaults.conf",
        conf=dict(spark_conf or {}),
        name="spp-" + command + "-{{ ds }}",
        conn_id="spark_default",
        env_vars=dict(env_vars or {}),
    )
