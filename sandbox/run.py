"""The sandbox: a synthesized deployment stood up on this machine, and recordings run through it.

:class:`Sandbox` reads a cloud assembly (:class:`~sandbox.templates.CloudAssembly`) and
creates what it declares, with the names and settings of the templates:

* in **moto** (a moto server on a local port, so separate processes reach it): the S3 buckets
  (with their versioning), the DynamoDB tables, the SNS topics, the Step Functions state
  machines (their ``DefinitionString`` resolved, executed by moto's interpreter), and the
  CloudFormation outputs of each stack (so ``clearscribe … --cloud`` finds the resources as it
  finds a deployment's). The model artifact is published to the bootstrap bucket its model names,
  as ``cdk deploy`` publishes assets.
* as **emulators**: the MediaConvert job templates and jobs (:mod:`sandbox.mediaconvert`),
  the SageMaker asynchronous endpoints (:mod:`sandbox.sagemaker`), and each Python Lambda
  function in a process of its own with its template environment (:mod:`sandbox.lambdas`).
* **EventBridge**: an upload to a bucket that sends events to EventBridge produces the "Object
  Created" event, which goes to every rule whose pattern matches it; a rule's target (a state
  machine, a function) receives it unchanged. When an execution ends, its status-change event goes
  through the rules the same way (the rule that marks unfinished jobs FAILED). Scheduled rules
  fire at their rate (or every ``schedule_seconds``, to keep a test short).
* **Step Functions' service integrations** moto's interpreter lacks: MediaConvert's
  ``createJob.sync`` (:mod:`sandbox.moto_patches`), and the task tokens the endpoint's
  notifications resume: SNS delivers to the templates' Lambda subscriptions
  (:mod:`sandbox.subscriptions`).

:meth:`Sandbox.submit` uploads one file and delivers its event; :meth:`Sandbox.outcome` waits for
what it started and reports it (:class:`InputReport`): the job's status, error, stages and its
outputs downloaded from the output bucket.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.cloud.events import object_created_event
from sandbox.eventbridge import (
    EventRule,
    ScheduleRule,
    event_rules,
    eventbridge_buckets,
    schedule_rules,
)
from sandbox.executions import execution_status_change, start_execution, wait_for_execution
from sandbox.lambdas import SANDBOX_CREDENTIALS, FunctionConfig, LambdaFunction, LambdaService
from sandbox.mediaconvert import MediaConvertEmulator
from sandbox.moto_patches import (
    Patches,
    invoke_patches,
    mediaconvert_sync_patches,
    runtime_patches,
    sns_lambda_delivery_patches,
    task_failure_cause_patches,
)
from sandbox.sagemaker import AsyncEndpoint, AsyncInvocation, AsyncResult
from sandbox.subscriptions import LambdaSubscriptions
from sandbox.templates import CloudAssembly, Resource

#: Where ``Sandbox.submit`` puts uploads (as ``clearscribe submit`` does).
KEY_PREFIX = "uploads/"
QUIET_LOGGERS = ("werkzeug", "moto.stepfunctions.parser")


class SandboxError(RuntimeError):
    """The deployment could not be stood up (what ``cdk deploy`` would fail on, or this machine)."""


@dataclass
class Submission:
    """One uploaded file and what its event started."""

    path: Path
    bucket: str
    key: str
    job_id: str | None
    event: dict[str, Any]
    #: The rules the event matched (empty: S3 sent it, but nothing listens).
    rules: list[str] = field(default_factory=list)
    executions: list[str] = field(default_factory=list)


@dataclass
class InputReport:
    """What became of one input (the JSON line ``python -m sandbox --json`` prints)."""

    input: str
    key: str
    job_id: str | None
    status: str
    error: dict[str, str] | None
    execution_arn: str | None
    stages: dict[str, dict[str, str]] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    #: Why nothing started (status IGNORED): what AWS would do with such an upload, silently.
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "key": self.key,
            "job_id": self.job_id,
            "status": self.status,
            "error": self.error,
            "execution_arn": self.execution_arn,
            "stages": self.stages,
            "outputs": self.outputs,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Leftovers:
    """What is still running (should be nothing once every outcome is reported)."""

    executions: list[str]
    mediaconvert_jobs: list[str]
    inferences: int
    jobs: list[str]

    def __bool__(self) -> bool:
        return bool(self.executions or self.mediaconvert_jobs or self.inferences or self.jobs)

    def describe(self) -> str:
        parts = [
            f"{len(self.executions)} execution(s) RUNNING" if self.executions else "",
            f"{len(self.mediaconvert_jobs)} MediaConvert job(s) running" if self.mediaconvert_jobs else "",
            f"{self.inferences} inference(s) queued or running" if self.inferences else "",
            f"{len(self.jobs)} job(s) not ended: {', '.join(self.jobs)}" if self.jobs else "",
        ]
        return "; ".join(p for p in parts if p) or "nothing"


class Sandbox:
    """The deployment of ``assembly``, stood up in ``workdir`` (use as a context manager)."""

    def __init__(
        self,
        assembly: CloudAssembly,
        workdir: Path,
        *,
        ffmpeg: str | None = None,
        schedule_seconds: float | None = None,
    ) -> None:
        self.assembly = assembly
        self.workdir = Path(workdir)
        self.region = assembly.region
        self.account = assembly.account
        self.ffmpeg = ffmpeg
        self.endpoint_url = ""
        self.rules: list[EventRule] = []
        self.schedules: list[ScheduleRule] = []
        #: Every scheduled rule fires this often (None: at its own rate).
        self.schedule_seconds = schedule_seconds
        self.state_machines: dict[str, str] = {}
        self.endpoints: dict[str, AsyncEndpoint] = {}
        self.lambdas = LambdaService([])
        self.subscriptions = LambdaSubscriptions(self.lambdas.invoke)
        self.mediaconvert: MediaConvertEmulator | None = None
        self.notifications_queue = ""
        self._eventbridge_buckets: set[str] = set()
        self._server: Any = None
        self._patches: Patches | None = None
        self._saved_config: dict[str, Any] = {}
        self._saved_port: str | None = None
        self._saved_levels: dict[str, int] = {}
        self._session: Any = None
        self._clients: dict[str, Any] = {}
        self._scheduler: threading.Thread | None = None
        self._closing = threading.Event()

    @property
    def log_dir(self) -> Path:
        """Where every function and endpoint writes its log (one file each, as CloudWatch log groups)."""
        return self.workdir / "logs"

    # -- set-up ------------------------------------------------------------------------------
    def __enter__(self) -> Sandbox:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def client(self, service: str) -> Any:
        """A boto3 client of the sandbox (moto's endpoint, the sandbox's credentials)."""
        if service not in self._clients:
            endpoint = self.mediaconvert.endpoint_url if service == "mediaconvert" and self.mediaconvert else None
            self._clients[service] = self._session.client(service, endpoint_url=endpoint or self.endpoint_url)
        return self._clients[service]

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._start_moto()
        self._create_storage()
        self._create_mediaconvert()
        self._create_functions()
        self._create_state_machines()
        self.rules = event_rules(self.assembly)
        self._eventbridge_buckets = eventbridge_buckets(self.assembly)
        self._register_stacks()
        self._create_endpoints()
        self._start_schedules()

    def _start_moto(self) -> None:
        import boto3
        from moto.core.config import default_user_config
        from moto.server import ThreadedMotoServer

        # moto's server logs every request, its interpreter every caught error (with its cause): the
        # sandbox reports outcomes itself.
        for name in QUIET_LOGGERS:
            self._saved_levels[name] = logging.getLogger(name).level
            logging.getLogger(name).setLevel(logging.CRITICAL)
        self._saved_config = {
            "stepfunctions": dict(default_user_config.get("stepfunctions", {})),
            "lambda": dict(default_user_config.get("lambda", {})),
        }
        default_user_config["stepfunctions"] = {"execute_state_machine": True}
        default_user_config["lambda"] = {"use_docker": False}
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        # moto's Step Functions interpreter calls the services on localhost:$MOTO_PORT.
        self._saved_port = os.environ.get("MOTO_PORT")
        os.environ["MOTO_PORT"] = str(port)
        self._session = boto3.session.Session(
            aws_access_key_id=SANDBOX_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=SANDBOX_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=SANDBOX_CREDENTIALS["AWS_SESSION_TOKEN"],
            region_name=self.region,
        )
        self._patches = Patches(
            [
                *invoke_patches(self.lambdas.invoke),
                *runtime_patches(self._invoke_endpoint),
                *sns_lambda_delivery_patches(self.subscriptions.deliver),
                *task_failure_cause_patches(),
                *mediaconvert_sync_patches(self._mediaconvert_client),
            ]
        )
        self._patches.apply()

    def _create_storage(self) -> None:
        s3 = self.client("s3")
        for bucket in self.assembly.resources("AWS::S3::Bucket"):
            s3.create_bucket(Bucket=bucket.name)
            status = (bucket.properties.get("VersioningConfiguration") or {}).get("Status")
            if status:
                s3.put_bucket_versioning(Bucket=bucket.name, VersioningConfiguration={"Status": status})
        dynamodb = self.client("dynamodb")
        for table in self.assembly.resources("AWS::DynamoDB::Table"):
            wanted = (
                "AttributeDefinitions",
                "KeySchema",
                "GlobalSecondaryIndexes",
                "LocalSecondaryIndexes",
                "BillingMode",
                "ProvisionedThroughput",
                "StreamSpecification",
            )
            dynamodb.create_table(
                TableName=table.name, **{k: table.properties[k] for k in wanted if k in table.properties}
            )
        sns, sqs = self.client("sns"), self.client("sqs")
        topics = self.assembly.resources("AWS::SNS::Topic")
        for topic in topics:
            sns.create_topic(Name=topic.name)
        if topics:
            # Where the sandbox watches the topics (the notifications SageMaker publishes).
            self.notifications_queue = sqs.create_queue(QueueName="sandbox-notifications")["QueueUrl"]
            queue_arn = sqs.get_queue_attributes(QueueUrl=self.notifications_queue, AttributeNames=["QueueArn"])
            for topic in topics:
                sns.subscribe(TopicArn=topic.arn, Protocol="sqs", Endpoint=queue_arn["Attributes"]["QueueArn"])
        for subscription in self.assembly.resources("AWS::SNS::Subscription"):
            props = subscription.properties
            if props.get("Protocol") != "lambda":
                raise SandboxError(
                    f"subscription {subscription.logical_id}: protocol {props.get('Protocol')} is not emulated"
                )
            options = (
                {"Attributes": {"FilterPolicy": json.dumps(props["FilterPolicy"])}} if "FilterPolicy" in props else {}
            )
            sns.subscribe(
                TopicArn=str(props["TopicArn"]), Protocol="lambda", Endpoint=str(props["Endpoint"]), **options
            )

    def _create_mediaconvert(self) -> None:
        templates = self.assembly.resources("AWS::MediaConvert::JobTemplate")
        if not templates:
            return
        from botocore.exceptions import ClientError

        from pipeline.local.media import resolve_ffmpeg
        from shared.errors import AudioExtractionError

        try:
            ffmpeg = resolve_ffmpeg(self.ffmpeg)
        except AudioExtractionError as exc:
            raise SandboxError(f"MediaConvert cannot be emulated: {exc}") from None
        self.mediaconvert = MediaConvertEmulator(
            s3=self.client("s3"),
            workdir=self.workdir / "mediaconvert",
            ffmpeg=ffmpeg,
            region=self.region,
            account=self.account,
        )
        (self.workdir / "mediaconvert").mkdir(exist_ok=True)
        self.mediaconvert.serve()
        client = self.client("mediaconvert")
        for template in templates:
            settings = template.properties.get("SettingsJson") or {}
            extra = {k: template.properties[k] for k in ("Category", "Description", "StatusUpdateInterval")
                     if k in template.properties}  # fmt: skip
            try:
                client.create_job_template(Name=template.name, Settings=settings, **extra)
            except ClientError as exc:
                error = exc.response["Error"]
                raise SandboxError(
                    f"MediaConvert rejects job template {template.logical_id} ({error['Code']}): {error['Message']}"
                ) from None

    def _create_functions(self) -> None:
        endpoints = {"AWS_ENDPOINT_URL": self.endpoint_url}
        if self.mediaconvert is not None:
            endpoints["AWS_ENDPOINT_URL_MEDIACONVERT"] = self.mediaconvert.endpoint_url
        functions = []
        for function in self.assembly.resources("AWS::Lambda::Function"):
            if not str(function.properties.get("Runtime", "")).startswith("python"):
                continue  # custom-resource providers: CloudFormation's business, not the workflow's
            config = FunctionConfig.from_properties(function.name, function.arn, function.properties)
            functions.append(
                LambdaFunction(
                    config,
                    region=self.region,
                    endpoints=endpoints,
                    workdir=self.workdir / "lambda",
                    log_dir=self.log_dir,
                )
            )
        self.lambdas.functions = {f.config.name: f for f in functions}

    def _create_state_machines(self) -> None:
        sfn = self.client("stepfunctions")
        for machine in self.assembly.resources("AWS::StepFunctions::StateMachine"):
            definition = machine.properties.get("DefinitionString")
            if not isinstance(definition, str):
                definition = json.dumps(machine.properties.get("Definition"))
            self.state_machines[machine.arn] = sfn.create_state_machine(
                name=machine.name, definition=definition, roleArn=str(machine.properties["RoleArn"])
            )["stateMachineArn"]

    def _register_stacks(self) -> None:
        """Each stack's outputs in moto's CloudFormation, as ``describe-stacks`` lists a deployment's."""
        cloudformation = self.client("cloudformation")
        for stack in self.assembly.templates:
            outputs = self.assembly.outputs(stack)
            body = {
                "Resources": {"Deployed": {"Type": "AWS::CloudFormation::WaitConditionHandle"}},
                "Outputs": {key: {"Value": value} for key, value in outputs.items()},
            }
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # moto does not model the placeholder resource
                cloudformation.create_stack(StackName=stack, TemplateBody=json.dumps(body))

    def _create_endpoints(self) -> None:
        configs = {c.name: c for c in self.assembly.resources("AWS::SageMaker::EndpointConfig")}
        models = {m.name: m for m in self.assembly.resources("AWS::SageMaker::Model")}
        for endpoint in self.assembly.resources("AWS::SageMaker::Endpoint"):
            config = configs[endpoint.properties["EndpointConfigName"]]
            if "AsyncInferenceConfig" not in config.properties:
                raise SandboxError(f"endpoint {endpoint.name}: only asynchronous endpoints are emulated")
            (variant,) = config.properties["ProductionVariants"]
            model = models[variant["ModelName"]]
            self._publish_model_data(model)
            emulated = AsyncEndpoint(
                name=endpoint.name,
                model=model.properties,
                config=config.properties,
                s3=self.client("s3"),
                sns=self.client("sns"),
                workdir=self.workdir / "sagemaker" / endpoint.name,
                log_dir=self.log_dir,
                region=self.region,
            )
            self.endpoints[endpoint.name] = emulated
            try:
                emulated.deploy()
            except Exception as exc:
                raise SandboxError(f"endpoint {endpoint.name} did not become InService: {exc}") from None

    def _publish_model_data(self, model: Resource) -> None:
        """Upload the model's artifact (a file asset of the assembly) where its ``S3Uri`` points."""
        source = model.properties["PrimaryContainer"].get("ModelDataSource", {}).get("S3DataSource", {})
        uri = source.get("S3Uri") or model.properties["PrimaryContainer"].get("ModelDataUrl")
        asset = self.assembly.file_asset(uri)
        if not asset.is_file():
            raise SandboxError(f"the model artifact {asset} was not built (synthesize with the model stack's assets)")
        bucket, _, key = uri[len("s3://") :].partition("/")
        s3 = self.client("s3")
        s3.create_bucket(Bucket=bucket)
        s3.upload_file(str(asset), bucket, key)

    def _start_schedules(self) -> None:
        try:
            self.schedules = schedule_rules(self.assembly)
        except ValueError as exc:
            raise SandboxError(str(exc)) from None
        for rule in self.schedules:
            for target in rule.targets:
                if ":lambda:" not in str(target["Arn"]):
                    raise SandboxError(f"rule {rule.name}: target {target['Arn']} is not emulated")
        if self.schedules:
            self._scheduler = threading.Thread(target=self._run_schedules, name="sandbox-schedules", daemon=True)
            self._scheduler.start()

    def _run_schedules(self) -> None:
        due = {rule.name: time.monotonic() + (self.schedule_seconds or rule.every_seconds) for rule in self.schedules}
        while not self._closing.wait(0.2):
            for rule in self.schedules:
                if time.monotonic() >= due[rule.name]:
                    due[rule.name] = time.monotonic() + (self.schedule_seconds or rule.every_seconds)
                    self.fire(rule)

    def fire(self, rule: ScheduleRule) -> None:
        """Send ``rule``'s targets its "Scheduled Event" now (and wait for them)."""
        event = json.dumps(rule.event(region=self.region, account=self.account)).encode("utf-8")
        for target in rule.targets:
            self.lambdas.invoke(str(target["Arn"]), event, {})

    # -- what moto hands over --------------------------------------------------------------------
    def _mediaconvert_client(self) -> Any:
        """A MediaConvert client of the emulation, for Step Functions' integration (its own
        session: the interpreter calls from threads of its own)."""
        import boto3

        if self.mediaconvert is None:
            raise RuntimeError("the templates declare no MediaConvert job template")
        session = boto3.session.Session(
            aws_access_key_id=SANDBOX_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=SANDBOX_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=SANDBOX_CREDENTIALS["AWS_SESSION_TOKEN"],
            region_name=self.region,
        )
        return session.client("mediaconvert", endpoint_url=self.mediaconvert.endpoint_url)

    def _invoke_endpoint(self, invocation: AsyncInvocation) -> AsyncResult:
        endpoint = self.endpoints.get(invocation.endpoint_name)
        if endpoint is None:
            raise LookupError(f"Endpoint {invocation.endpoint_name} of account {self.account} not found.")
        return endpoint.submit(invocation)

    # -- running inputs ---------------------------------------------------------------------------
    @property
    def workflow_stack(self) -> str:
        return self.assembly.stack_with("AWS::StepFunctions::StateMachine")

    def submit(self, path: Path, *, bucket: str | None = None, key_prefix: str = KEY_PREFIX) -> Submission:
        """Upload ``path`` (to the workflow's input bucket unless ``bucket`` says otherwise) and
        deliver the event S3 sends for it."""
        from pipeline.cli.cloud import resolve_stack
        from pipeline.cloud.events import object_version
        from shared.ids import job_id_for_object

        path = Path(path)
        if bucket is None:
            bucket = resolve_stack(self.workflow_stack, client=self.client("cloudformation")).input_bucket
        key = f"{key_prefix.strip('/')}/{path.name}" if key_prefix.strip("/") else path.name
        s3 = self.client("s3")
        with path.open("rb") as body:
            s3.put_object(Bucket=bucket, Key=key, Body=body)
        head = s3.head_object(Bucket=bucket, Key=key)
        version_id = head.get("VersionId")
        event = object_created_event(
            bucket,
            key,
            size=head["ContentLength"],
            etag=head["ETag"],
            version_id=version_id,
            region=self.region,
            account=self.account,
        )
        submission = Submission(
            path=path,
            bucket=bucket,
            key=key,
            job_id=job_id_for_object(bucket, key, object_version(version_id, head["ETag"])),
            event=event,
        )
        if bucket in self._eventbridge_buckets:
            for rule, arns in self.deliver(event):
                submission.rules.append(rule.name)
                submission.executions += arns
        return submission

    def deliver(self, event: Mapping[str, Any]) -> list[tuple[EventRule, list[str]]]:
        """Send ``event`` to the targets of every rule it matches; returns each matched rule and the
        executions it started."""
        delivered = []
        for rule in self.rules:
            if not rule.matches(event):
                continue
            started = []
            for target in rule.targets:
                if {"Input", "InputPath", "InputTransformer"} & set(target):
                    raise SandboxError(f"rule {rule.name}: targets that rewrite the event are not emulated")
                arn = str(target["Arn"])
                if ":states:" in arn and ":stateMachine:" in arn:
                    started.append(start_execution(self.client("stepfunctions"), self.state_machines[arn], event))
                elif ":lambda:" in arn:
                    self.lambdas.invoke(arn, json.dumps(event).encode("utf-8"), {})
                else:
                    raise SandboxError(f"rule {rule.name}: target {arn} is not emulated")
            delivered.append((rule, started))
        return delivered

    def finish(self, execution_arn: str, *, timeout: float) -> dict[str, Any]:
        """Wait for an execution to end (stopping it after ``timeout`` seconds, which ends it
        ABORTED), then deliver its status-change event; returns ``describe_execution``."""
        sfn = self.client("stepfunctions")
        try:
            described = wait_for_execution(sfn, execution_arn, timeout=timeout, interval=0.2)
        except TimeoutError:
            sfn.stop_execution(executionArn=execution_arn, error="Sandbox.Timeout", cause="the sandbox stopped waiting")
            described = wait_for_execution(sfn, execution_arn, timeout=30, interval=0.2)
        self.deliver(execution_status_change(described, region=self.region, account=self.account))
        return described

    def outcome(self, submission: Submission, out_dir: Path | None = None, *, timeout: float = 3600) -> InputReport:
        """Wait for what ``submission`` started and report it, downloading the job's outputs into
        ``out_dir/<job_id>/``."""
        from pipeline.cli.cloud import open_cloud_job_store, resolve_stack
        from pipeline.cloud.failures import error_from_step_functions
        from shared.errors import JobNotFoundError

        report = InputReport(
            input=str(submission.path),
            key=submission.key,
            job_id=None,
            status="IGNORED",
            error=None,
            execution_arn=None,
        )
        if not submission.executions:
            if submission.bucket not in self._eventbridge_buckets:
                report.reason = f"bucket {submission.bucket} sends no events to EventBridge"
            else:
                report.reason = "no rule matches its Object Created event"
            return report
        described = {}
        for arn in submission.executions:
            described = self.finish(arn, timeout=timeout)
        report.execution_arn = submission.executions[-1]
        resources = resolve_stack(self.workflow_stack, client=self.client("cloudformation"))
        store = open_cloud_job_store(resources, client=self.client("dynamodb"))
        try:
            job = store.get_job(submission.job_id or "")
        except JobNotFoundError:
            report.status = "FAILED" if described.get("status") != "SUCCEEDED" else described.get("status", "")
            report.error = error_from_step_functions({"Error": described.get("error"), "Cause": described.get("cause")})
            return report
        report.job_id = job.job_id
        report.status = job.status.value
        report.error = job.error
        report.stages = job.stages
        if job.outputs and out_dir is not None:
            report.outputs = self.download(job.outputs, Path(out_dir) / job.job_id)
        return report

    def download(self, outputs: Mapping[str, str], target: Path) -> dict[str, str]:
        """Each output (format → ``s3://`` URI) copied into ``target``; format → local path."""
        target.mkdir(parents=True, exist_ok=True)
        s3 = self.client("s3")
        local = {}
        for fmt, uri in outputs.items():
            bucket, _, key = uri[len("s3://") :].partition("/")
            path = target / key.rsplit("/", 1)[-1]
            s3.download_file(bucket, key, str(path))
            local[fmt] = str(path)
        return local

    def leftovers(self) -> Leftovers:
        """Executions, MediaConvert jobs, inferences and jobs still running."""
        from pipeline.cli.cloud import open_cloud_job_store, resolve_stack

        sfn = self.client("stepfunctions")
        running = [
            e["executionArn"]
            for arn in self.state_machines.values()
            for e in sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"]
        ]
        resources = resolve_stack(self.workflow_stack, client=self.client("cloudformation"))
        jobs = open_cloud_job_store(resources, client=self.client("dynamodb")).list_jobs()
        return Leftovers(
            executions=running,
            mediaconvert_jobs=[j.id for j in self.mediaconvert.running_jobs()] if self.mediaconvert else [],
            inferences=sum(e.in_flight for e in self.endpoints.values()),
            jobs=[j.job_id for j in jobs if not j.status.is_terminal],
        )

    def notifications(self) -> list[dict[str, Any]]:
        """The messages published to the templates' SNS topics so far (and not read before)."""
        if not self.notifications_queue:
            return []
        sqs = self.client("sqs")
        found: list[dict[str, Any]] = []
        while True:
            batch = sqs.receive_message(QueueUrl=self.notifications_queue, MaxNumberOfMessages=10).get("Messages", [])
            if not batch:
                return found
            for message in batch:
                envelope = json.loads(message["Body"])
                found.append({"topic": envelope.get("TopicArn"), "message": json.loads(envelope["Message"])})
                sqs.delete_message(QueueUrl=self.notifications_queue, ReceiptHandle=message["ReceiptHandle"])

    # -- tear-down --------------------------------------------------------------------------------
    def close(self) -> None:
        """Stop every process and server the sandbox started, and give moto back its settings."""
        self._closing.set()
        if self._scheduler is not None:
            self._scheduler.join(timeout=30)
            self._scheduler = None
        self.subscriptions.wait()
        for endpoint in self.endpoints.values():
            endpoint.close()
        self.lambdas.close()
        if self.mediaconvert is not None:
            self.mediaconvert.close()
        if self._server is not None:
            self._stop_executions()
            self._server.stop()
            self._server = None
        if self._patches is not None:
            self._patches.undo()
            self._patches = None
        if self._saved_config:
            from moto.core.config import default_user_config

            default_user_config.update(self._saved_config)  # type: ignore[typeddict-item]
            self._saved_config = {}
        for name, level in self._saved_levels.items():
            logging.getLogger(name).setLevel(level)
        self._saved_levels = {}
        if self._saved_port is None:
            os.environ.pop("MOTO_PORT", None)
        else:
            os.environ["MOTO_PORT"] = self._saved_port

    def _stop_executions(self) -> None:
        try:
            sfn = self.client("stepfunctions")
            for arn in self.state_machines.values():
                for execution in sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"]:
                    sfn.stop_execution(executionArn=execution["executionArn"])
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and any(
                sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"]
                for arn in self.state_machines.values()
            ):
                time.sleep(0.1)
        except Exception:  # tearing down: the server goes away next
            pass


def run_inputs(sandbox: Sandbox, paths: Sequence[Path], out_dir: Path, *, timeout: float) -> list[InputReport]:
    """Submit every input, then report each once what it started has ended."""
    submissions = [sandbox.submit(path) for path in paths]
    return [sandbox.outcome(submission, out_dir, timeout=timeout) for submission in submissions]
