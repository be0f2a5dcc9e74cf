package dev.safeshift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.awaitility.core.ConditionFactory;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard of a running demo in a real browser: Debian's headless Chromium, driven by
 * Selenium. It shows a status word and a trigger as a sentence, updates itself, and refuses
 * signing off and cutting over without the token. The screenshot it takes is the one README shows.
 */
class DashboardBrowserIT {

    private static final List<String> WORDS = List.of("ON TRACK", "AT RISK", "ROLLING BACK", "DONE");
    private static final Path SCREENSHOT = Path.of("..", "docs", "img", "dashboard.png");

    @Test
    void aRunningDemosDashboardReadsInPlainWordsUpdatesLiveAndIsReadOnlyWithoutTheToken() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/";
        CompletableFuture<Integer> demo = CompletableFuture.supplyAsync(() -> Main.execute("demo", "--rows", "20000",
                "--writes-per-second", "100", "--stream-seconds", "8", "--dashboard", "127.0.0.1:" + port));
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).ignoreExceptionsInstanceOf(
                java.io.IOException.class).untilAsserted(() -> {
            assertThat(demo).isNotDone();
            HttpResponse<String> state = http.send(HttpRequest.newBuilder(URI.create(url + "api/state")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(state.body()).contains("\"phase\":\"STREAMING\"");
        });

        WebDriver browser = chromium();
        try {
            browser.get(url);
            onPage().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(browser.findElement(By.id("status")).getText()).isIn(WORDS));
            onPage().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(browser.findElement(By.cssSelector("#triggers .sentence")).getText())
                            .matches("Error rate (no reading yet|[0-9.]+%) \u2014 rolls back above 2%"));
            String updated = browser.findElement(By.id("updated")).getText();
            onPage().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(browser.findElement(By.id("updated")).getText()).as("the page updates by itself")
                            .isNotEqualTo(updated).contains("demo_payments"));

            browser.findElement(By.id("name")).sendKeys("Mallory");
            browser.findElement(By.id("role")).sendKeys("engineering");
            browser.findElement(By.id("signoff")).click();
            onPage().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(browser.findElement(By.id("answer")).getText()).startsWith("Refused:").contains("token"));
            browser.findElement(By.id("cutover")).click();
            onPage().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(browser.findElement(By.id("answer")).getText()).startsWith("Refused:").contains("token"));

            // The picture README shows: the cutover window, with the trigger's readings against its threshold.
            onPage().atMost(Duration.ofMinutes(3)).untilAsserted(() -> {
                assertThat(browser.findElement(By.id("window")).getText()).startsWith("On the new database");
                assertThat(browser.findElement(By.cssSelector("#triggers .sentence")).getText()).matches("Error rate [0-9.]+%.*");
            });
            Thread.sleep(3_000); // a few more readings on the chart
            Files.createDirectories(SCREENSHOT.getParent());
            Files.write(SCREENSHOT, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } finally {
            browser.quit();
        }
        assertThat(demo.get(5, TimeUnit.MINUTES)).as("the demo itself succeeded").isZero();
    }

    /**
     * Waiting on what the page shows: it renders itself anew every second, so an element found a
     * moment ago may be gone by the time it is read, and is then looked up again.
     */
    private static ConditionFactory onPage() {
        return await().ignoreExceptionsInstanceOf(StaleElementReferenceException.class);
    }

    /** Debian's chromium and chromium-driver, which .ci/run installs; no driver is downloaded. */
    private static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(new File("/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1500");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        return new ChromeDriver(service, options);
    }
}
