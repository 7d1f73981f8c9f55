package dk.library.circulation;

/** An entity's answer that refuses a command, with the rule's rejection (counted in metrics). */
public interface Refusal {

  Rejection rejection();
}
