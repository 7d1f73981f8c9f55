package dk.library.circulation.testing;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.type.DataTypes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads every table of the test keyspaces (the journal's and the snapshots') directly with the
 * driver, as an auditor would (R38-R42): each row becomes one line of text, its blobs (events,
 * snapshots) decoded from CBOR, so a search for a personal datum finds it wherever the core wrote
 * it.
 */
public final class KeyspaceScan implements AutoCloseable {

  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

  private final CqlSession session = TestCassandra.session();

  /**
   * Every row of every table of the journal's keyspace and of the snapshots' keyspace beside it, as
   * {@code table: column=value, ...}.
   */
  public List<String> rows() {
    List<String> rows = new ArrayList<>();
    for (String keyspace : List.of(TestCassandra.KEYSPACE, TestCassandra.KEYSPACE + "_snapshot")) {
      List<String> tables =
          session
              .execute(
                  "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", keyspace)
              .all()
              .stream()
              .map(row -> row.getString("table_name"))
              .toList();
      for (String table : tables) {
        for (Row row : session.execute("SELECT * FROM " + keyspace + "." + table)) {
          rows.add(table + ": " + text(row));
        }
      }
    }
    return rows;
  }

  /** The rows holding {@code subject} together with any of {@code identifiers}. */
  public List<String> linking(String subject, String... identifiers) {
    return rows().stream()
        .filter(row -> row.contains(subject))
        .filter(row -> Arrays.stream(identifiers).anyMatch(row::contains))
        .toList();
  }

  /** The stored (wrapped) key of a day of transaction claims, as the table holds it. */
  public Optional<byte[]> wrappedTransactionKey(String day) {
    Row row =
        session
            .execute(
                "SELECT wrapped FROM " + TestCassandra.KEYSPACE + ".transaction_keys WHERE day = ?",
                LocalDate.parse(day))
            .one();
    if (row == null) {
      return Optional.empty();
    }
    ByteBuffer blob = row.getByteBuffer("wrapped");
    byte[] bytes = new byte[blob.remaining()];
    blob.duplicate().get(bytes);
    return Optional.of(bytes);
  }

  private static String text(Row row) {
    StringBuilder text = new StringBuilder();
    for (ColumnDefinition column : row.getColumnDefinitions()) {
      String name = column.getName().asInternal();
      Object value =
          column.getType().equals(DataTypes.BLOB)
              ? decoded(row.getByteBuffer(name))
              : row.getObject(name);
      text.append(name).append('=').append(value).append(", ");
    }
    return text.toString();
  }

  /** A blob as the JSON its CBOR holds, else as text (every string in it readable). */
  private static String decoded(ByteBuffer blob) {
    if (blob == null) {
      return "null";
    }
    byte[] bytes = new byte[blob.remaining()];
    blob.duplicate().get(bytes);
    try {
      return CBOR.readTree(bytes).toString();
    } catch (IOException e) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    session.close();
  }
}
