package dk.library.circulation.console;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.library.circulation.testing.Api;
import dk.library.circulation.testing.ServerPerClass;
import dk.library.circulation.testing.TestClock;
import dk.library.circulation.testing.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator console in a real browser (Debian's chromium and chromium-driver, headless, which
 * .ci/run installs): log-in by keyboard, charts that move while checkouts run, a refusal by its
 * rule code, a benchmark report opened from its link; wrong and non-operator keys refused. A
 * screenshot of the console is left at target/console.png for a person to look at.
 */
class ConsoleBrowserTest {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final TestClock clock = new TestClock(Instant.parse("2026-11-28T10:00:00Z"));
  static final Duration WITHIN = Duration.ofSeconds(30);
  @RegisterExtension static final ServerPerClass testServer = new ServerPerClass(clock);

  static WebDriver browser;

  @BeforeAll
  static void browser() {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new IllegalStateException(
          "the console's browser test needs Debian's chromium and chromium-driver"
              + " (apt-get install chromium chromium-driver; .ci/run installs them)");
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
    browser =
        new ChromeDriver(
            new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build(),
            options);
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  static Api api() {
    return testServer.api();
  }

  String console() {
    return "http://127.0.0.1:" + testServer.server().port() + "/console/";
  }

  /** A fresh page (no key left in the tab's session), then the key typed and Enter. */
  void logIn(String key) {
    browser.get(console());
    ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
    browser.get(console());
    WebElement field = browser.findElement(By.id("key"));
    field.clear();
    field.sendKeys(key, Keys.ENTER);
  }

  WebDriverWait waiting() {
    return new WebDriverWait(browser, WITHIN);
  }

  @Test
  void aWrongKeyAndAKeyOfAnotherRoleAreRefused() {
    logIn("lck_nobody_" + "x".repeat(43));
    waiting()
        .until(b -> b.findElement(By.id("login-error")).getText().contains("INVALID_CREDENTIALS"));
    assertFalse(browser.findElement(By.id("console")).isDisplayed());

    String agency = Api.unique("DK-");
    api().createAgency(agency, 10, 3);
    logIn(api().registerClient("staff", agency));
    waiting()
        .until(b -> b.findElement(By.id("login-error")).getText().contains("ROLE_NOT_ALLOWED"));
    assertFalse(browser.findElement(By.id("console")).isDisplayed());
  }

  @Test
  void theOperatorWatchesCheckoutsARefusalAndOpensAReport() throws IOException {
    RunFixture run = RunFixture.write(Api.unique("run-"), "45 /s");
    logIn(TestServers.OPERATOR_KEY);
    waiting().until(b -> b.findElement(By.id("console")).isDisplayed());
    WebElement transactions = waiting().until(b -> b.findElement(By.id("chart-transactions")));
    int pointsBefore = Integer.parseInt(transactions.getAttribute("data-points"));

    ConsoleApiTest.threeCheckoutsAndARefusal(api());

    waiting()
        .until(
            b ->
                highest(
                        b.findElement(By.id("chart-transactions")).getAttribute("aria-label"),
                        "checkout")
                    > 0);
    waiting()
        .until(
            b ->
                Integer.parseInt(
                        b.findElement(By.id("chart-transactions")).getAttribute("data-points"))
                    > pointsBefore);
    waiting()
        .until(
            b ->
                !b.findElements(By.cssSelector("#refusals tr[data-code='ITEM_NOT_FOUND']"))
                    .isEmpty());
    assertTrue(
        browser.findElement(By.cssSelector("#members tbody")).getText().contains("Up"),
        "the cluster's one member is listed as up");

    Path screenshot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(screenshot, Path.of("target", "console.png"), StandardCopyOption.REPLACE_EXISTING);

    String console = browser.getWindowHandle();
    WebElement row =
        waiting()
            .until(b -> b.findElement(By.cssSelector("#runs tr[data-run='" + run.folder() + "']")));
    assertTrue(row.getText().contains(run.peak), row.getText());
    row.findElement(By.linkText("gatling/NationalPeak/step-1/nationalpeak-20261128")).click();
    waiting().until(b -> b.getWindowHandles().size() == 2);
    List<String> tabs =
        browser.getWindowHandles().stream().filter(h -> !h.equals(console)).toList();
    browser.switchTo().window(tabs.get(0));
    waiting().until(b -> b.getTitle().equals("Gatling report " + run.name + " (script ran)"));
    browser.close();
    browser.switchTo().window(console);
  }

  @Test
  void aWallScreenGetsTheLargeLayout() {
    browser.get(console());
    double laptop = pixels(browser.findElement(By.tagName("body")).getCssValue("font-size"));
    browser.get(console() + "?wall");
    assertTrue(browser.findElement(By.tagName("body")).getAttribute("class").contains("wall"));
    double wall = pixels(browser.findElement(By.tagName("body")).getCssValue("font-size"));
    assertTrue(wall > laptop, "wall type " + wall + " px against " + laptop + " px");
  }

  static double pixels(String cssSize) {
    return Double.parseDouble(cssSize.replace("px", ""));
  }

  /** The highest value of a series named in a chart's description. */
  static double highest(String description, String series) {
    Matcher m =
        Pattern.compile("Highest in the hour: .*?\\b" + series + " ([0-9.]+)").matcher(description);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
