package dk.library.circulation.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The OpenAPI 3.1 document of the native API. It is written as YAML (readable, commented in review)
 * and served as JSON, read once at start: a broken document stops the server from starting rather
 * than serving half a contract.
 */
final class ApiDescription {

  static final String RESOURCE = "openapi/openapi.yaml";

  private ApiDescription() {}

  /** The document as a JSON response; no credential needed, it describes no one's data. */
  static HttpResponse response() {
    try (InputStream in = ApiDescription.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      byte[] json = new ObjectMapper().writeValueAsBytes(new YAMLMapper().readTree(in));
      return HttpResponse.create()
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json))
          .addHeader(RawHeader.create("Cache-Control", "no-cache"));
    } catch (IOException e) {
      throw new UncheckedIOException("the API description cannot be read", e);
    }
  }
}
