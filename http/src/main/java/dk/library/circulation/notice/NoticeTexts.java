package dk.library.circulation.notice;

import java.util.Map;
import java.util.TreeMap;

/** The words of each notice template; unknown templates list their data. */
final class NoticeTexts {

  private NoticeTexts() {}

  static String subject(Notice notice) {
    return switch (notice.templateKey()) {
      case "hold-ready" -> "Ready for pickup: " + notice.data().get("title");
      case "hold-expired" -> "Not collected: " + notice.data().get("title");
      default -> "Message from your library";
    };
  }

  static String body(Notice notice) {
    Map<String, String> d = notice.data();
    return switch (notice.templateKey()) {
      case "hold-ready" ->
          "\""
              + d.get("title")
              + "\" is ready for you at branch "
              + d.get("branch")
              + ", shelf number "
              + d.get("pickupNumber")
              + ".\n"
              + "Please collect it by "
              + d.get("collectBy")
              + ".\n"
              + "Someone else may collect it for you with this notice; pickup code: "
              + d.get("pickupToken")
              + "\n";
      case "hold-expired" ->
          "\""
              + d.get("title")
              + "\" was not collected in time and has gone to the next in line.\n";
      default -> notice.templateKey() + ": " + new TreeMap<>(d) + "\n";
    };
  }
}
