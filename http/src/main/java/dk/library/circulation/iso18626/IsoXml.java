package dk.library.circulation.iso18626;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import javax.xml.transform.dom.DOMSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * ISO 18626 messages as XML: parsed safely (no DTDs, no external entities), validated against the
 * standard's published schema (resources/iso18626, SOURCE.md), and written in the schema's element
 * order. Everything the core sends or receives passes {@link #validate}.
 */
public final class IsoXml {

  public static final String NAMESPACE = "http://illtransactions.org/2013/iso18626";

  /** The standard's revision this core speaks (the schema 2021-2 describes ISO 18626:2021). */
  public static final String VERSION = "1.3";

  private static final Schema SCHEMA = loadSchema();

  private IsoXml() {}

  private static Schema loadSchema() {
    URL xsd = IsoXml.class.getResource("/iso18626/ISO-18626-2021-2.xsd");
    if (xsd == null) {
      throw new IllegalStateException("the ISO 18626 schema is missing from the classpath");
    }
    try {
      SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
      factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      return factory.newSchema(xsd);
    } catch (SAXException e) {
      throw new IllegalStateException("the ISO 18626 schema does not load: " + e.getMessage(), e);
    }
  }

  /** Why a text is not a message of the standard. */
  public static final class Invalid extends Exception {
    public Invalid(String message) {
      super(message);
    }
  }

  /** Parses {@code text}; a DOCTYPE, an entity or text that is not well-formed XML is refused. */
  public static Document parse(String text) throws Invalid {
    try {
      DocumentBuilder builder = builders().newDocumentBuilder();
      builder.setErrorHandler(null);
      return builder.parse(new InputSource(new StringReader(text)));
    } catch (SAXException e) {
      throw new Invalid("not well-formed XML: " + e.getMessage());
    } catch (IOException | ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static DocumentBuilderFactory builders() throws ParserConfigurationException {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
    factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    factory.setXIncludeAware(false);
    factory.setExpandEntityReferences(false);
    return factory;
  }

  /** Checks {@code document} against the standard's schema. */
  public static void validate(Document document) throws Invalid {
    Validator validator = SCHEMA.newValidator();
    try {
      validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      validator.validate(new DOMSource(document));
    } catch (SAXException e) {
      throw new Invalid("not valid against the ISO 18626 schema: " + e.getMessage());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses and validates. */
  public static Document read(String text) throws Invalid {
    Document document = parse(text);
    validate(document);
    return document;
  }

  /** The message's kind: the local name of the element inside ISO18626Message, if there is one. */
  public static Optional<String> kind(Document document) {
    Element root = document.getDocumentElement();
    if (root == null || !"ISO18626Message".equals(root.getLocalName())) {
      return Optional.empty();
    }
    return children(root).stream().findFirst().map(Element::getLocalName);
  }

  /** The message element (request, supplyingAgencyMessage, ...). */
  public static Element body(Document document) {
    return children(document.getDocumentElement()).get(0);
  }

  /** The text at {@code path} of child element names below {@code from}, if present. */
  public static Optional<String> text(Element from, String... path) {
    Element at = from;
    for (String name : path) {
      at = child(at, name);
      if (at == null) {
        return Optional.empty();
      }
    }
    return Optional.of(at.getTextContent().trim());
  }

  private static Element child(Element parent, String localName) {
    for (Element e : children(parent)) {
      if (localName.equals(e.getLocalName()) && NAMESPACE.equals(e.getNamespaceURI())) {
        return e;
      }
    }
    return null;
  }

  private static List<Element> children(Element parent) {
    List<Element> elements = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        elements.add(e);
      }
    }
    return elements;
  }

  /** An agency id of the standard: its type (e.g. ISIL) and value. */
  public record AgencyId(String type, String value) {}

  /**
   * Writes one message: {@code body} writes the elements inside the message element named {@code
   * kind}. The caller writes elements in the schema's order; {@link #validate} checks it.
   */
  public static String write(String kind, Body body) {
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter xml = XMLOutputFactory.newInstance().createXMLStreamWriter(out);
      xml.writeStartDocument("UTF-8", "1.0");
      xml.setDefaultNamespace(NAMESPACE);
      xml.writeStartElement(NAMESPACE, "ISO18626Message");
      xml.writeDefaultNamespace(NAMESPACE);
      // The schema qualifies its attributes, so version needs a prefix of the same namespace.
      xml.writeNamespace("ill", NAMESPACE);
      xml.writeAttribute("ill", NAMESPACE, "version", VERSION);
      xml.writeStartElement(NAMESPACE, kind);
      body.write(new Writer(xml));
      xml.writeEndElement();
      xml.writeEndElement();
      xml.writeEndDocument();
      xml.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  @FunctionalInterface
  public interface Body {
    void write(Writer xml) throws XMLStreamException;
  }

  /** Elements of the standard's namespace. */
  public static final class Writer {
    private final XMLStreamWriter xml;

    Writer(XMLStreamWriter xml) {
      this.xml = xml;
    }

    public Writer start(String name) throws XMLStreamException {
      xml.writeStartElement(NAMESPACE, name);
      return this;
    }

    public Writer end() throws XMLStreamException {
      xml.writeEndElement();
      return this;
    }

    public Writer element(String name, String text) throws XMLStreamException {
      if (text != null) {
        xml.writeStartElement(NAMESPACE, name);
        xml.writeCharacters(text);
        xml.writeEndElement();
      }
      return this;
    }

    public Writer agency(String name, AgencyId id) throws XMLStreamException {
      if (id != null) {
        start(name).element("agencyIdType", id.type()).element("agencyIdValue", id.value()).end();
      }
      return this;
    }
  }
}
