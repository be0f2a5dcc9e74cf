package dev.safeshift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class OutOfMemoryTest {

    @Test
    void isFoundBehindTheSelfSuppressionOfATryWithResourcesThatFailedTwiceWithOneError() {
        OutOfMemoryError error = new OutOfMemoryError("Java heap space");
        IllegalArgumentException masked = null;
        try {
            error.addSuppressed(error); // what a try-with-resources does when close() throws the same error
        } catch (IllegalArgumentException e) {
            masked = e;
        }
        assertThat(masked).hasMessage("Self-suppression not permitted");
        Exception wrapped = new IllegalStateException("the stream stopped", new ExecutionException(masked));
        assertThat(OutOfMemory.find(wrapped)).containsSame(error);

        RuntimeException suppressedOnly = new RuntimeException("first");
        suppressedOnly.addSuppressed(error);
        assertThat(OutOfMemory.find(suppressedOnly)).containsSame(error);
        assertThat(OutOfMemory.find(new RuntimeException(new IllegalStateException()))).isEmpty();
    }

    @Test
    void theMessageSaysWhatRanOutTheHeapsMaximumAndTheSettingToRaise() {
        SafeshiftException reported = OutOfMemory.describe(new OutOfMemoryError("Java heap space"), "applying changes");
        long maxMb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
        assertThat(reported.exitCode()).isEqualTo(1);
        assertThat(reported.getMessage()).doesNotContain("\n")
                .startsWith("Safeshift ran out of memory (Java heap space) while applying changes.")
                .contains("maximum is " + maxMb + " MB")
                .contains("SAFESHIFT_JAVA_OPTS=-Xmx" + OutOfMemory.suggestedHeap(maxMb) + " ./safeshift")
                .contains("-Xmx" + OutOfMemory.suggestedHeap(maxMb) + " on the java command line");
        assertThat(OutOfMemory.describe(new OutOfMemoryError("Metaspace"), "x").getMessage()).contains("MaxMetaspaceSize");
    }

    @Test
    void suggestsTwiceTheHeapAndAtLeastOneGigabyte() {
        assertThat(OutOfMemory.suggestedHeap(256)).isEqualTo("1g");
        assertThat(OutOfMemory.suggestedHeap(1024)).isEqualTo("2g");
        assertThat(OutOfMemory.suggestedHeap(1500)).isEqualTo("3000m");
    }
}
