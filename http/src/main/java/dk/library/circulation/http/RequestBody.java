package dk.library.circulation.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A JSON request body read field by field, collecting every problem (missing, wrong type, wrong
 * form, unknown field) so one answer tells the client all that is wrong.
 */
final class RequestBody {

  /** Thrown when the body cannot be used; carries the problem to answer with. */
  static final class Invalid extends Exception {
    final Problem problem;

    Invalid(Problem problem) {
      super(problem.detail(), null, false, false);
      this.problem = problem;
    }
  }

  private final JsonNode node;
  private final String prefix;
  private final List<Problem.FieldError> errors;
  private final Set<String> read = new HashSet<>();

  private RequestBody(JsonNode node, String prefix, List<Problem.FieldError> errors) {
    this.node = node;
    this.prefix = prefix;
    this.errors = errors;
  }

  static RequestBody parse(ObjectMapper mapper, String json) throws Invalid {
    JsonNode node;
    try {
      node = mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new Invalid(
          Problem.of(
              org.apache.pekko.http.javadsl.model.StatusCodes.BAD_REQUEST,
              "MALFORMED_JSON",
              "the body is not valid JSON: " + e.getOriginalMessage()));
    }
    if (node == null || !node.isObject()) {
      throw new Invalid(
          Problem.of(
              org.apache.pekko.http.javadsl.model.StatusCodes.BAD_REQUEST,
              "MALFORMED_JSON",
              "the body must be a JSON object"));
    }
    return new RequestBody(node, "", new ArrayList<>());
  }

  String text(String field, Pattern form, String formDescription) {
    JsonNode value = value(field);
    if (value == null) {
      error(field, "is required");
      return null;
    }
    return checked(field, value, form, formDescription);
  }

  String optionalText(String field, Pattern form, String formDescription) {
    JsonNode value = value(field);
    return value == null ? null : checked(field, value, form, formDescription);
  }

  int integer(String field, int min, int max) {
    JsonNode value = value(field);
    if (value == null) {
      error(field, "is required");
    } else if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      error(field, "must be a whole number");
    } else if (value.intValue() < min || value.intValue() > max) {
      error(field, "must be between " + min + " and " + max + ", was " + value.intValue());
    } else {
      return value.intValue();
    }
    return 0;
  }

  int optionalInteger(String field, int min, int max, int absent) {
    return value(field) == null ? absent : integer(field, min, max);
  }

  List<String> optionalTextList(String field, Pattern form, String formDescription, int maxSize) {
    JsonNode value = value(field);
    List<String> result = new ArrayList<>();
    if (value == null) {
      return result;
    }
    if (!value.isArray()) {
      error(field, "must be an array of strings");
      return result;
    }
    if (value.size() > maxSize) {
      error(field, "may hold at most " + maxSize + " entries");
      return result;
    }
    for (int i = 0; i < value.size(); i++) {
      String s = checked(field + "[" + i + "]", value.get(i), form, formDescription);
      if (s != null) {
        result.add(s);
      }
    }
    return result;
  }

  /** Reads each element of an array of objects; at least {@code minSize} are required. */
  <T> List<T> objects(String field, int minSize, int maxSize, Function<RequestBody, T> reader) {
    JsonNode value = value(field);
    List<T> result = new ArrayList<>();
    if (value == null || !value.isArray()) {
      error(field, value == null ? "is required" : "must be an array");
      return result;
    }
    if (value.size() < minSize || value.size() > maxSize) {
      error(field, "must hold between " + minSize + " and " + maxSize + " entries");
      return result;
    }
    for (int i = 0; i < value.size(); i++) {
      String path = prefix + field + "[" + i + "].";
      if (!value.get(i).isObject()) {
        errors.add(new Problem.FieldError(prefix + field + "[" + i + "]", "must be an object"));
        continue;
      }
      RequestBody element = new RequestBody(value.get(i), path, errors);
      result.add(reader.apply(element));
      element.rejectUnknownFields();
    }
    return result;
  }

  /** Like {@link #objects}, but an absent array is an empty list. */
  <T> List<T> optionalObjects(String field, int maxSize, Function<RequestBody, T> reader) {
    return value(field) == null ? List.of() : objects(field, 0, maxSize, reader);
  }

  <T> T optionalObject(String field, T absent, Function<RequestBody, T> reader) {
    return value(field) == null ? absent : object(field, reader);
  }

  <T> T object(String field, Function<RequestBody, T> reader) {
    JsonNode value = value(field);
    if (value == null || !value.isObject()) {
      error(field, value == null ? "is required" : "must be an object");
      return null;
    }
    RequestBody inner = new RequestBody(value, prefix + field + ".", errors);
    T result = reader.apply(inner);
    inner.rejectUnknownFields();
    return result;
  }

  /** An optional whole number: null when absent. */
  Integer optionalNullableInteger(String field, int min, int max) {
    return value(field) == null ? null : integer(field, min, max);
  }

  boolean optionalBoolean(String field, boolean absent) {
    JsonNode value = value(field);
    if (value == null) {
      return absent;
    }
    if (!value.isBoolean()) {
      error(field, "must be true or false");
      return absent;
    }
    return value.booleanValue();
  }

  /**
   * An optional object whose keys are names of the given form and whose values are objects, each
   * read by {@code reader}; absent means {@code absent}.
   */
  <T> Map<String, T> optionalObjectMap(
      String field,
      Pattern keyForm,
      String keyFormText,
      int maxSize,
      Map<String, T> absent,
      Function<RequestBody, T> reader) {
    JsonNode value = value(field);
    if (value == null) {
      return absent;
    }
    Map<String, T> result = new LinkedHashMap<>();
    if (!value.isObject()) {
      error(field, "must be an object");
      return result;
    }
    if (value.size() > maxSize) {
      error(field, "may hold at most " + maxSize + " entries");
      return result;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String path = prefix + field + "." + entry.getKey();
      if (!keyForm.matcher(entry.getKey()).matches()) {
        errors.add(new Problem.FieldError(path, "key must be " + keyFormText));
        continue;
      }
      if (!entry.getValue().isObject()) {
        errors.add(new Problem.FieldError(path, "must be an object"));
        continue;
      }
      RequestBody inner = new RequestBody(entry.getValue(), path + ".", errors);
      T read = reader.apply(inner);
      inner.rejectUnknownFields();
      result.put(entry.getKey(), read);
    }
    return result;
  }

  boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** A problem with this object as a whole (say, two fields that contradict each other). */
  void objectError(String message) {
    String field = prefix.isEmpty() ? "body" : prefix.substring(0, prefix.length() - 1);
    errors.add(new Problem.FieldError(field, message));
  }

  void error(String field, String message) {
    errors.add(new Problem.FieldError(prefix + field, message));
  }

  /** Ends reading: throws with every problem found, unknown fields included. */
  void finish() throws Invalid {
    rejectUnknownFields();
    if (!errors.isEmpty()) {
      throw new Invalid(Problem.invalidRequest(errors));
    }
  }

  private void rejectUnknownFields() {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!read.contains(name)) {
        errors.add(new Problem.FieldError(prefix + name, "is not a known field"));
      }
    }
  }

  private JsonNode value(String field) {
    read.add(field);
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value;
  }

  private String checked(String field, JsonNode value, Pattern form, String formDescription) {
    if (!value.isTextual()) {
      error(field, "must be a string");
      return null;
    }
    if (hasUnpairedSurrogate(value.textValue())) {
      error(
          field,
          "holds a character that is not valid Unicode (an unpaired surrogate such as \\ud800);"
              + " send the text as UTF-8");
      return null;
    }
    if (!form.matcher(value.textValue()).matches()) {
      error(field, "must be " + formDescription);
      return null;
    }
    return value.textValue();
  }

  /** JSON's escapes can carry half of a UTF-16 pair, which no event or UTF-8 text can store. */
  static boolean hasUnpairedSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
