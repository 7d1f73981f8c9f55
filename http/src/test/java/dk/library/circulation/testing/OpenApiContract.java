package dk.library.circulation.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The OpenAPI document the server serves, held against every exchange the suite makes through
 * {@link Api}: a documented path and method, a documented status, a response body that matches its
 * schema, a problem code from the list, and for every accepted request a body that matches the
 * request schema. The document therefore cannot drift from the code without a test failing.
 */
public final class OpenApiContract {

  /** One documented operation: its path template as a pattern, and its description node. */
  public record Operation(String method, String template, Pattern pattern, JsonNode node) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  public static final OpenApiContract DOCUMENT = load();

  private final JsonNode document;

  /** The same document with its component references as JSON Schema's own {@code $defs}. */
  private final JsonNode forValidation;

  private final List<Operation> operations;
  private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();
  private final JsonSchemaFactory factory =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

  private OpenApiContract(JsonNode document) {
    this.document = document;
    try {
      this.forValidation =
          JSON.readTree(
              JSON.writeValueAsString(document).replace("\"#/components/schemas/", "\"#/$defs/"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Operation> found = new ArrayList<>();
    document
        .path("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fields()
                    .forEachRemaining(
                        op ->
                            found.add(
                                new Operation(
                                    op.getKey().toUpperCase(),
                                    path.getKey(),
                                    pattern(path.getKey()),
                                    op.getValue()))));
    this.operations = List.copyOf(found);
  }

  private static OpenApiContract load() {
    try (InputStream in =
        OpenApiContract.class.getClassLoader().getResourceAsStream("openapi/openapi.yaml")) {
      return new OpenApiContract(new YAMLMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Pattern pattern(String template) {
    StringBuilder regex = new StringBuilder("^");
    for (String part : template.split("(?=\\{)|(?<=\\})")) {
      regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
    }
    return Pattern.compile(regex.append("$").toString());
  }

  public JsonNode document() {
    return document;
  }

  public List<Operation> operations() {
    return operations;
  }

  /** Whether the contract covers this path at all: the API, health, metrics and the console. */
  static boolean covers(String path) {
    return path.startsWith("/api/") || path.equals("/health") || path.equals("/metrics");
  }

  public Optional<Operation> operation(String method, String path) {
    return operations.stream()
        .filter(o -> o.method().equals(method) && o.pattern().matcher(path).matches())
        .findFirst();
  }

  /** Throws an AssertionError naming what in the exchange the document does not describe. */
  public void check(String method, String path, String requestBody, Api.Answer answer) {
    if (!covers(path)) {
      return;
    }
    Optional<Operation> found = operation(method, path);
    if (found.isEmpty()) {
      boolean noSuchRoute =
          (answer.status() == 404 || answer.status() == 405)
              && Set.of("ROUTE_NOT_FOUND", "METHOD_NOT_ALLOWED").contains(answer.code());
      if (!noSuchRoute && answer.status() < 400) {
        throw new AssertionError(
            "undocumented route: " + method + " " + path + " answered " + answer.status());
      }
      return;
    }
    Operation op = found.get();
    String where = method + " " + op.template() + " -> " + answer.status();
    String operation = "/paths/" + escape(op.template()) + "/" + method.toLowerCase();
    JsonNode responses = op.node().path("responses");
    String responsePointer = operation + "/responses/" + answer.status();
    if (!responses.has(Integer.toString(answer.status()))) {
      if (answer.status() < 400) {
        throw new AssertionError("undocumented status: " + where);
      }
      JsonNode ref = responses.path("default").path("$ref");
      responsePointer =
          ref.isTextual() ? ref.asText().substring(1) : operation + "/responses/default";
    }
    String mediaType = answer.contentType().split(";")[0].trim();
    if (!document.at(responsePointer + "/content").has(mediaType)) {
      throw new AssertionError("undocumented content type " + mediaType + ": " + where);
    }
    if (mediaType.endsWith("json") && !mediaType.equals("application/x-ndjson")) {
      validate(
          where + " response",
          responsePointer + "/content/" + escape(mediaType) + "/schema",
          answer.body());
    }
    JsonNode request = op.node().path("requestBody").path("content").path("application/json");
    if (answer.status() < 300 && requestBody != null && !request.isMissingNode()) {
      JsonNode parsed;
      try {
        parsed = JSON.readTree(requestBody);
      } catch (IOException e) {
        throw new AssertionError("an accepted request body is not JSON: " + where, e);
      }
      validate(
          where + " request", operation + "/requestBody/content/application~1json/schema", parsed);
    }
  }

  private static String escape(String pointerPart) {
    return pointerPart.replace("~", "~0").replace("/", "~1");
  }

  private void validate(String what, String pointer, JsonNode value) {
    JsonSchema validator =
        schemas.computeIfAbsent(
            pointer,
            p -> {
              // The schema with the document's components beside it, so its $refs resolve.
              ObjectNode wrapper = JSON.createObjectNode();
              wrapper.put("$schema", "https://json-schema.org/draft/2020-12/schema");
              wrapper.putArray("allOf").add(forValidation.at(p));
              wrapper.set("$defs", forValidation.at("/components/schemas"));
              return factory.getSchema(wrapper);
            });
    Set<ValidationMessage> errors = validator.validate(value);
    if (!errors.isEmpty()) {
      StringBuilder message = new StringBuilder(what + " does not match the OpenAPI document:");
      Iterator<ValidationMessage> each = errors.iterator();
      for (int i = 0; i < 5 && each.hasNext(); i++) {
        message.append("\n  ").append(each.next().getMessage());
      }
      throw new AssertionError(message.append("\n  body: ").append(value).toString());
    }
  }
}
