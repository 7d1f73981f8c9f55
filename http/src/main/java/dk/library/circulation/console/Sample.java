package dk.library.circulation.console;

import java.util.Map;

/**
 * The server's figures over one sampling interval, as the operator console charts them: rates are
 * per second over the interval, the rest are readings at its end. A percentile is null when the
 * interval had nothing to measure.
 *
 * @param at end of the interval, epoch milliseconds
 * @param transactions API and SIP2 requests per second by kind (checkout, return, renewal, hold,
 *     status, other), the console's own and /metrics left out
 * @param latencyP50Ms median of those requests, from the request histograms
 * @param latencyP99Ms their 99th percentile
 * @param refusals refusals per second by rule code
 * @param wakes entities woken from the journal per second, by type
 * @param live live entities on this node by type
 * @param journal the journal's Cassandra requests per second by kind (write, replay, snapshot-load)
 * @param cassandraP99Ms 99th percentile of every Cassandra request the driver made
 * @param cassandraErrors driver errors and client timeouts per second
 * @param heapUsedMiB heap in use
 * @param heapMaxMiB the heap's limit
 * @param gcPauseMsPerSecond stop-the-world pause time per second of the interval
 * @param gcMaxPauseMs the longest pause of the last two minutes
 * @param deadlinesHandled deadlines the keeper handled per second (this node, while it is the
 *     keeper's home)
 * @param deadlinesDue deadlines due at the keeper's last round (at most one round's batch)
 * @param deadlineLagSeconds how long the oldest due deadline had waited at that round
 * @param deadlinePace targets the keeper wakes per second now, as it yields to the serving path
 * @param noticesWaiting notices recorded on this node since it started and not yet sent
 * @param noticesSent notices sent per second
 */
public record Sample(
    long at,
    Map<String, Double> transactions,
    Double latencyP50Ms,
    Double latencyP99Ms,
    Map<String, Double> refusals,
    Map<String, Double> wakes,
    Map<String, Long> live,
    Map<String, Double> journal,
    Double cassandraP99Ms,
    double cassandraErrors,
    long heapUsedMiB,
    long heapMaxMiB,
    double gcPauseMsPerSecond,
    double gcMaxPauseMs,
    double deadlinesHandled,
    long deadlinesDue,
    double deadlineLagSeconds,
    long deadlinePace,
    long noticesWaiting,
    double noticesSent) {}
