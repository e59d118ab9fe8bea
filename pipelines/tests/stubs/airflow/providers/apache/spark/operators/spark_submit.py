"""Stand-in SparkSubmitOperator: the keyword arguments of apache-airflow-providers-apache-spark 6.2.0's operator
(its __init__ signature), so a misspelt argument fails here as it would in Airflow."""
from airflow import BaseOperator


class SparkSubmitOperator(BaseOperator):
    ALLOWED = {"application", "conf", "conn_id", "files", "py_files", "archives", "driver_class_path", "jars",
               "java_class", "packages", "exclude_packages", "repositories", "total_executor_cores",
               "executor_cores", "executor_memory", "driver_memory", "keytab", "principal", "proxy_user", "name",
               "num_executors", "status_poll_interval", "application_args", "env_vars", "verbose", "spark_binary",
               "properties_file", "yarn_queue", "deploy_mode", "use_krb5ccache", "post_submit_commands"}
    template_fields = ("application", "conf", "files", "py_files", "jars", "driver_class_path", "packages",
                       "exclude_packages", "keytab", "principal", "proxy_user", "name", "application_args",
                       "env_vars", "post_submit_commands", "properties_file")

    def __init__(self, task_id, **kwargs):
        super().__init__(task_id, **kwargs)
        for k in self.ALLOWED:
            setattr(self, k, kwargs.get(k))
