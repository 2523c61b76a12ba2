"""The Kafka manifests (``kafka.yaml``): a Strimzi cluster whose only listener is TLS with
SCRAM-SHA-512, one ``KafkaTopic`` per platform topic sized for its consumers, and one
``KafkaUser`` per principal with its ACLs from ``chassis.principals``."""

from __future__ import annotations

from object_meta import NAMESPACE

from chassis.principals import ADMIN, Principal, all_principals
from chassis.topics import DLQ_SUFFIX, FEED_PREFIX, GATEWAY_CHECKPOINTS, GATEWAY_INBOUND, platform_topics

CLUSTER = "tongxin"
CLUSTER_CA_SECRET = f"{CLUSTER}-cluster-ca-cert"  # made by Strimzi: the CA clients trust
#: Strimzi keeps each KafkaUser's password in a Secret named with this prefix, apart from the
#: service's own Secret (DATABASE_URL...), which carries the bare service name.
USER_SECRET_PREFIX = "kafka-user-"
PARTITIONS = 6


def partitions(topic: str) -> int:
    if topic.startswith(FEED_PREFIX):
        return 1  # one agency, one ordered sequence: a single partition
    if topic.endswith(DLQ_SUFFIX) or topic == GATEWAY_CHECKPOINTS:
        return 1  # the ledger's checkpoints: one ordered sequence
    return 3 if topic == GATEWAY_INBOUND else PARTITIONS


TOPICS = {topic: partitions(topic) for topic in platform_topics()}


def kafka_user(principal: Principal | None, name: str = "") -> dict:
    """A SCRAM user; Strimzi keeps its password in the Secret ``kafka-user-<name>``."""
    spec: dict = {"authentication": {"type": "scram-sha-512"}}
    if principal is not None:
        spec["authorization"] = {
            "type": "simple",
            "acls": [
                {
                    "resource": {"type": g.resource, "name": g.name, "patternType": g.pattern},
                    "operations": list(g.operations),
                    "host": "*",
                }
                for g in principal.grants()
            ],
        }
    return {
        "apiVersion": "kafka.strimzi.io/v1beta2",
        "kind": "KafkaUser",
        "metadata": {
            "name": principal.name if principal else name,
            "namespace": NAMESPACE,
            "labels": {"strimzi.io/cluster": CLUSTER},
        },
        "spec": spec,
    }


def kafka_docs() -> list[dict]:
    cluster = CLUSTER
    docs: list[dict] = [
        {
            "apiVersion": "kafka.strimzi.io/v1beta2",
            "kind": "KafkaNodePool",
            "metadata": {"name": "brokers", "namespace": NAMESPACE, "labels": {"strimzi.io/cluster": cluster}},
            "spec": {
                "replicas": 3,
                "roles": ["controller", "broker"],
                "storage": {"type": "persistent-claim", "size": "100Gi", "deleteClaim": False},
            },
        },
        {
            "apiVersion": "kafka.strimzi.io/v1beta2",
            "kind": "Kafka",
            "metadata": {
                "name": cluster,
                "namespace": NAMESPACE,
                "annotations": {"strimzi.io/node-pools": "enabled", "strimzi.io/kraft": "enabled"},
            },
            "spec": {
                "kafka": {
                    "version": "4.1.0",
                    "listeners": [
                        {
                            "name": "tls",
                            "port": 9093,
                            "type": "internal",
                            "tls": True,
                            "authentication": {"type": "scram-sha-512"},
                        }
                    ],
                    # Strimzi's simple authorization is Kafka's StandardAuthorizer under KRaft.
                    "authorization": {"type": "simple", "superUsers": [ADMIN]},
                    "config": {
                        "default.replication.factor": 3,
                        "min.insync.replicas": 2,
                        "offsets.topic.replication.factor": 3,
                        "transaction.state.log.replication.factor": 3,
                        "transaction.state.log.min.isr": 2,
                        "auto.create.topics.enable": False,
                        "allow.everyone.if.no.acl.found": False,
                    },
                },
                "entityOperator": {"topicOperator": {}, "userOperator": {"secretPrefix": USER_SECRET_PREFIX}},
            },
        },
    ]
    for topic, configs in platform_topics().items():
        docs.append(
            {
                "apiVersion": "kafka.strimzi.io/v1beta2",
                "kind": "KafkaTopic",
                "metadata": {
                    "name": topic.replace(".", "-").replace("_", "-"),
                    "namespace": NAMESPACE,
                    "labels": {"strimzi.io/cluster": cluster},
                },
                "spec": {
                    "topicName": topic,
                    "partitions": TOPICS[topic],
                    "replicas": 3,
                    "config": {"min.insync.replicas": 2, **configs},
                },
            }
        )
    docs.append(kafka_user(None, ADMIN))  # tooling only (a super user); no service runs as it
    docs += [kafka_user(p) for p in all_principals()]
    return docs
