package dk.library.circulation.agency;

import dk.library.circulation.CborSerializable;

/** One service point of an agency, where items are checked out and returned. */
public record Branch(String branchId, String name) implements CborSerializable {}
