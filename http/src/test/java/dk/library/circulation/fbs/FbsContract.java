package dk.library.circulation.fbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * The FBS external API's published contract (Swagger 2.0, test resource {@code
 * fbs/fbs-adapter.yaml}, see fbs/SOURCE.md) held against real answers: each answer must match the
 * response schema of its path, method and status. Stricter than the contract: an object may carry
 * no field the contract does not define, so nothing of ours leaks into the websites' answers.
 */
final class FbsContract {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final FbsContract ADAPTER = load();

  private final JsonNode document;
  private final ObjectNode strictDefinitions;

  private FbsContract(JsonNode document) {
    this.document = document;
    this.strictDefinitions = document.path("definitions").deepCopy();
    strictDefinitions.forEach(
        definition -> {
          if (definition.has("properties")) {
            ((ObjectNode) definition).put("additionalProperties", false);
          }
        });
  }

  private static FbsContract load() {
    try (InputStream in =
        FbsContract.class.getClassLoader().getResourceAsStream("fbs/fbs-adapter.yaml")) {
      return new FbsContract(new YAMLMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode document() {
    return document;
  }

  /**
   * Throws unless {@code body} matches the contract's schema for this answer; {@code path} is the
   * contract's own path (with its literal {@code agencyid} and {@code patronid}).
   */
  void check(String method, String path, int status, JsonNode body) {
    JsonNode operation = document.path("paths").path(path).path(method.toLowerCase());
    if (operation.isMissingNode()) {
      throw new AssertionError("the contract has no " + method + " " + path);
    }
    JsonNode response = operation.path("responses").path(Integer.toString(status));
    if (response.isMissingNode()) {
      throw new AssertionError(
          "the contract has no status " + status + " for " + method + " " + path);
    }
    JsonNode schema = response.path("schema");
    if (schema.isMissingNode()) {
      return;
    }
    ObjectNode wrapper = JSON.createObjectNode();
    wrapper.put("$schema", "http://json-schema.org/draft-04/schema#");
    wrapper.putArray("allOf").add(schema);
    wrapper.set("definitions", strictDefinitions);
    Set<ValidationMessage> errors =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(wrapper).validate(body);
    if (!errors.isEmpty()) {
      throw new AssertionError(
          method
              + " "
              + path
              + " -> "
              + status
              + " does not match the FBS contract: "
              + errors
              + "\n  body: "
              + body);
    }
  }
}
