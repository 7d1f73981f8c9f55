package dk.library.circulation.fbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.library.circulation.card.PersonRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;

/**
 * A person registry read from a file of JSON lines, one person each: {@code {"cpr": "0101901234",
 * "name": "...", "birthDate": "1990-01-01", "municipality": "0101"}}. Read at each lookup, so an
 * extract replaced in place is seen at once; meant for tests, trials and small installations, where
 * a municipality's extract of the CPR register is enough. A missing file tells nobody.
 */
public final class PersonRegistryFile implements PersonRegistry {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  public PersonRegistryFile(Path file) {
    this.file = file;
  }

  @Override
  public Optional<Person> lookUp(String cpr) {
    if (!Files.isReadable(file)) {
      return Optional.empty();
    }
    try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode person = JSON.readTree(line);
        if (cpr.equals(person.path("cpr").asText())) {
          return Optional.of(
              new Person(
                  person.path("name").asText(),
                  person.hasNonNull("birthDate")
                      ? LocalDate.parse(person.get("birthDate").asText())
                      : null,
                  person.path("municipality").asText(null)));
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("the person registry file " + file + " cannot be read", e);
    }
  }
}
