package dk.library.circulation.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes against the server it deploys: every file parses, and what the manifests name
 * (labels, ports, probe paths, settings, the Cassandra service) is what the server's configuration
 * and the other manifests expect. No cluster is needed; a kubectl is not served here.
 */
class DeployManifestsTest {

  static final Path DEPLOY = Path.of("..", "deploy", "kubernetes");
  static final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
  static final Map<String, JsonNode> byKind = new HashMap<>();
  static final List<JsonNode> all = new ArrayList<>();
  static Config config;

  @BeforeAll
  static void readManifests() throws IOException {
    try (Stream<Path> files = Files.list(DEPLOY)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (JsonNode doc :
            yaml.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile()).readAll()) {
          for (String field : List.of("apiVersion", "kind", "metadata")) {
            assertTrue(doc.hasNonNull(field), file + ": a document without " + field);
          }
          assertFalse(doc.at("/metadata/name").asText().isEmpty(), file + ": a nameless object");
          all.add(doc);
          byKind.put(doc.get("kind").asText(), doc);
        }
      }
    }
    // The container's environment as root keys, where ${?LIBRARY_...} substitutions look first.
    config =
        ConfigFactory.parseMap(environment())
            .withFallback(ConfigFactory.defaultApplication())
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
  }

  /** The container's literal environment, as the settings it overrides. */
  static Map<String, Object> environment() {
    Map<String, Object> env = new HashMap<>();
    for (JsonNode var : container().get("env")) {
      if (var.has("value")) {
        env.put(var.get("name").asText(), var.get("value").asText());
      }
    }
    return env;
  }

  static JsonNode deployment() {
    return byKind.get("Deployment");
  }

  static JsonNode container() {
    return deployment().at("/spec/template/spec/containers/0");
  }

  static String env(String name) {
    for (JsonNode var : container().get("env")) {
      if (var.get("name").asText().equals(name)) {
        return var.has("value") ? var.get("value").asText() : "(from " + var.get("valueFrom") + ")";
      }
    }
    return null;
  }

  static int containerPort(String name) {
    for (JsonNode port : container().get("ports")) {
      if (port.get("name").asText().equals(name)) {
        return port.get("containerPort").asInt();
      }
    }
    throw new AssertionError("no container port named " + name);
  }

  /** The Kubernetes API's objects as fabric8's model classes (its schema, in Java). */
  static final Map<String, Class<?>> MODELS =
      Map.of(
          "ServiceAccount", io.fabric8.kubernetes.api.model.ServiceAccount.class,
          "Role", io.fabric8.kubernetes.api.model.rbac.Role.class,
          "RoleBinding", io.fabric8.kubernetes.api.model.rbac.RoleBinding.class,
          "Deployment", io.fabric8.kubernetes.api.model.apps.Deployment.class,
          "Service", io.fabric8.kubernetes.api.model.Service.class,
          "PodDisruptionBudget",
              io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class,
          "ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class,
          "Secret", io.fabric8.kubernetes.api.model.Secret.class);

  @Test
  void everyObjectReadsAsTheKubernetesApiDefinesIt_withNoFieldItDoesNotKnow() throws Exception {
    for (JsonNode doc : all) {
      String kind = doc.get("kind").asText();
      Class<?> model = MODELS.get(kind);
      if (model == null) {
        // A custom resource: cass-operator's schema is not served here; checked by name below.
        assertEquals("CassandraDatacenter", kind);
        continue;
      }
      Object typed = yaml.treeToValue(doc, model);
      List<String> unknown = new ArrayList<>();
      unknownFields(typed, kind + " " + doc.at("/metadata/name").asText(), unknown);
      assertTrue(unknown.isEmpty(), "fields the Kubernetes API does not define: " + unknown);
    }
  }

  /** Fields a model class kept aside because its schema has no such field (a typo, a misplace). */
  static void unknownFields(Object node, String path, List<String> unknown) throws Exception {
    if (node == null || !node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (java.lang.reflect.Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")) {
        continue;
      }
      Object value = getter.invoke(node);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          unknown.add(path + ": " + extra.keySet());
        }
      } else if (value instanceof List<?> list) {
        for (Object element : list) {
          unknownFields(element, path + "." + getter.getName().substring(3), unknown);
        }
      } else {
        unknownFields(value, path + "." + getter.getName().substring(3), unknown);
      }
    }
  }

  @Test
  void everyObjectTheDeploymentNeedsIsThere() {
    for (String kind :
        List.of(
            "ServiceAccount",
            "Role",
            "RoleBinding",
            "Deployment",
            "Service",
            "PodDisruptionBudget",
            "CassandraDatacenter",
            "ConfigMap",
            "Secret")) {
      assertNotNull(byKind.get(kind), "deploy/kubernetes has a " + kind);
    }
  }

  @Test
  void everySettingTheManifestsGiveIsOneTheServerReads() throws IOException {
    Set<String> known = new HashSet<>();
    Pattern substitution = Pattern.compile("\\$\\{\\?(LIBRARY_[A-Z0-9_]+)}");
    for (Path resources :
        List.of(
            Path.of("src", "main", "resources"),
            Path.of("..", "persistence", "src", "main", "resources"))) {
      try (Stream<Path> confs = Files.walk(resources)) {
        for (Path conf : confs.filter(f -> f.toString().endsWith(".conf")).toList()) {
          Matcher m = substitution.matcher(Files.readString(conf));
          while (m.find()) {
            known.add(m.group(1));
          }
        }
      }
    }
    for (JsonNode var : container().get("env")) {
      String name = var.get("name").asText();
      if (name.startsWith("LIBRARY_")) {
        assertTrue(known.contains(name), name + " is not a setting of the server");
      }
    }
  }

  @Test
  void portsAndProbesAreTheServersOwn() {
    assertEquals(config.getInt("library.http.port"), containerPort("https"));
    assertEquals(config.getInt("library.sip2.port"), containerPort("sip2"));
    assertEquals(config.getInt("pekko.management.http.port"), containerPort("management"));
    assertEquals(config.getInt("pekko.remote.artery.canonical.port"), containerPort("remoting"));
    Config health = config.getConfig("pekko.management.health-checks");
    assertEquals(
        "/" + health.getString("readiness-path"),
        container().at("/readinessProbe/httpGet/path").asText());
    assertEquals(
        "/" + health.getString("liveness-path"),
        container().at("/livenessProbe/httpGet/path").asText());
    for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
      assertEquals("management", container().at("/" + probe + "/httpGet/port").asText(), probe);
    }
    assertEquals("0.0.0.0", config.getString("pekko.management.http.bind-hostname"));
    JsonNode service = byKind.get("Service");
    for (JsonNode port : service.at("/spec/ports")) {
      containerPort(port.get("targetPort").asText());
    }
  }

  @Test
  void podsFindEachOtherByTheLabelTheirSelectorsAndBootstrapUse() {
    JsonNode labels = deployment().at("/spec/template/metadata/labels");
    for (JsonNode selector :
        List.of(
            deployment().at("/spec/selector/matchLabels"),
            byKind.get("Service").at("/spec/selector"),
            byKind.get("PodDisruptionBudget").at("/spec/selector/matchLabels"))) {
      selector
          .fields()
          .forEachRemaining(
              label ->
                  assertEquals(
                      label.getValue(), labels.get(label.getKey()), "selector " + label.getKey()));
    }
    assertEquals("bootstrap", config.getString("library.cluster.formation"));
    Config discovery =
        config.getConfig("pekko.management.cluster.bootstrap.contact-point-discovery");
    assertEquals("kubernetes-api", discovery.getString("discovery-method"));
    String selector =
        config
            .getString("pekko.discovery.kubernetes-api.pod-label-selector")
            .formatted(discovery.getString("service-name"));
    String[] label = selector.split("=");
    assertEquals(label[1], labels.get(label[0]).asText(), "bootstrap looks for " + selector);
    int replicas = deployment().at("/spec/replicas").asInt();
    assertEquals(replicas / 2 + 1, discovery.getInt("required-contact-point-nr"), "a majority");
    assertEquals(
        "(from {\"fieldRef\":{\"fieldPath\":\"status.podIP\"}})", env("LIBRARY_CLUSTER_HOST"));
  }

  @Test
  void theServiceAccountMayListItsPods() {
    String account = deployment().at("/spec/template/spec/serviceAccountName").asText();
    assertEquals(account, byKind.get("ServiceAccount").at("/metadata/name").asText());
    JsonNode binding = byKind.get("RoleBinding");
    assertEquals(account, binding.at("/subjects/0/name").asText());
    assertEquals(
        byKind.get("Role").at("/metadata/name").asText(), binding.at("/roleRef/name").asText());
    JsonNode rule = byKind.get("Role").at("/rules/0");
    assertEquals("pods", rule.at("/resources/0").asText());
    Set<String> verbs = new HashSet<>();
    rule.get("verbs").forEach(v -> verbs.add(v.asText()));
    assertTrue(verbs.containsAll(Set.of("get", "watch", "list")), verbs.toString());
  }

  @Test
  void theServerReachesTheCassandraDataCentreTheOperatorRuns() {
    JsonNode dc = byKind.get("CassandraDatacenter");
    String dcName = dc.at("/metadata/name").asText();
    assertEquals(dcName, config.getString("library.cassandra.local-datacenter"));
    String service = dc.at("/spec/clusterName").asText() + "-" + dcName + "-service";
    assertTrue(
        config.getString("library.cassandra.contact-points").startsWith(service + ":"),
        "contact points name cass-operator's service " + service);
    assertTrue(
        config.getString("library.cassandra.replication").contains("'" + dcName + "': 3"),
        "replication factor 3 in " + dcName);
    assertEquals(3, dc.at("/spec/size").asInt());
    assertEquals("LOCAL_QUORUM", config.getString("library.cassandra.consistency"));
    String secret = container().toString();
    assertTrue(
        secret.contains(dc.at("/spec/users/0/secretName").asText()),
        "the server logs in with the role the operator creates");
  }

  @Test
  void everySecretFileTheServerIsToldToReadIsMounted() {
    String mount = container().at("/volumeMounts/0/mountPath").asText();
    Set<String> mounted = new HashSet<>();
    for (JsonNode volume : deployment().at("/spec/template/spec/volumes")) {
      if (volume.has("secret")) {
        volume
            .at("/secret/items")
            .forEach(item -> mounted.add(mount + "/" + item.get("path").asText()));
      }
    }
    for (String file :
        List.of(
            "library.security.bootstrap-operator-key-file",
            "library.security.cpr-lookup-key-file",
            "library.security.pin-key-file",
            "library.http.tls.keystore")) {
      assertTrue(mounted.contains(config.getString(file)), file + " is mounted");
    }
  }

  @Test
  void everySecretKeyTheServerIsGivenIsInTheSecretsTemplate() {
    Map<String, Set<String>> keys = new HashMap<>();
    for (JsonNode doc : all) {
      if (doc.get("kind").asText().equals("Secret")) {
        Set<String> names = new HashSet<>();
        for (String part : List.of("stringData", "data")) {
          doc.path(part).fieldNames().forEachRemaining(names::add);
        }
        keys.put(doc.at("/metadata/name").asText(), names);
      }
    }
    List<JsonNode> refs = new ArrayList<>(container().findValues("secretKeyRef"));
    for (JsonNode ref : refs) {
      String secret = ref.get("name").asText();
      assertTrue(
          keys.getOrDefault(secret, Set.of()).contains(ref.get("key").asText()),
          secret + " has " + ref.get("key"));
    }
    for (JsonNode volume : deployment().at("/spec/template/spec/volumes")) {
      if (volume.has("secret")) {
        String secret = volume.at("/secret/secretName").asText();
        volume
            .at("/secret/items")
            .forEach(
                item ->
                    assertTrue(
                        keys.getOrDefault(secret, Set.of()).contains(item.get("key").asText()),
                        secret + " has " + item.get("key")));
      }
    }
    assertTrue(refs.size() >= 4, "the keystore password, token key and Cassandra login");
  }

  @Test
  void prometheusScrapesTheServersPortWithAnOperatorKey() throws IOException {
    JsonNode prometheus =
        yaml.readTree(byKind.get("ConfigMap").at("/data/prometheus.yml").asText());
    JsonNode job = prometheus.at("/scrape_configs/0");
    assertEquals("/metrics", job.get("metrics_path").asText());
    assertEquals("Bearer", job.at("/authorization/type").asText());
    String relabels = job.get("relabel_configs").toString();
    assertTrue(relabels.contains("\"regex\":\"https\""), "keeps the API port: " + relabels);
    assertTrue(relabels.contains("\"regex\":\"circulation\""), "keeps the server pods");
  }
}
