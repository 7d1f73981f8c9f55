package dk.library.circulation.loadtest;

import java.util.concurrent.CountDownLatch;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The HTTP baseline: Pekko HTTP reading a JSON body and answering a small JSON body, with no
 * entity, journal or rule behind it. Its rate under the benchmark's clients is the most the HTTP
 * layer could carry on this machine. Argument: the port.
 */
public final class TrivialEndpoint extends AllDirectives {

  private static final HttpResponse CREATED =
      HttpResponse.create()
          .withStatus(StatusCodes.CREATED)
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, "{\"ok\":true}"));

  private Route route() {
    return path(
        "echo", () -> post(() -> entity(Unmarshaller.entityToString(), body -> complete(CREATED))));
  }

  public static void main(String[] args) throws InterruptedException {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "trivial-endpoint");
    Http.get(system)
        .newServerAt("127.0.0.1", Integer.parseInt(args[0]))
        .bind(new TrivialEndpoint().route());
    new CountDownLatch(1).await();
  }
}
