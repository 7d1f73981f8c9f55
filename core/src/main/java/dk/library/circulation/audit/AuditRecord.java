package dk.library.circulation.audit;

import dk.library.circulation.CborSerializable;
import java.time.Instant;

/**
 * One staff or operator action: who ({@code clientId} with its role), when, what ({@code action} on
 * {@code target}), from where ({@code remoteAddress}) and how it ended ({@code status} and, for a
 * refusal, its {@code code}). Targets never hold a PIN, a token or a full card number.
 */
public record AuditRecord(
    Instant at,
    String clientId,
    String role,
    String remoteAddress,
    String action,
    String target,
    int status,
    String code)
    implements CborSerializable {}
