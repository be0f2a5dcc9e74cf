package dev.safeshift.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeriodicTasksTest {

    @Test
    void eachTaskRunsWhenItsIntervalHasPassedAndNotBefore() throws InterruptedException {
        List<String> ran = new ArrayList<>();
        PeriodicTasks tasks = new PeriodicTasks(List.of(
                PeriodicTasks.Task.every("often", Duration.ofMillis(50), () -> ran.add("often")),
                PeriodicTasks.Task.every("rarely", Duration.ofHours(1), () -> ran.add("rarely")),
                new PeriodicTasks.Task("later", Duration.ofHours(1), Duration.ofMillis(100), () -> ran.add("later"))));

        tasks.runDue();
        tasks.runDue();
        assertThat(ran).as("at once: the tasks without a delay, once each").containsExactly("often", "rarely");

        Thread.sleep(150);
        tasks.runDue();
        assertThat(ran).containsExactly("often", "rarely", "often", "later");
    }

    @Test
    void aFailingTaskReachesTheCallerAndStillWaitsItsIntervalBeforeRunningAgain() {
        List<String> ran = new ArrayList<>();
        PeriodicTasks tasks = new PeriodicTasks(List.of(
                PeriodicTasks.Task.every("broken", Duration.ofHours(1), () -> {
                    ran.add("broken");
                    throw new IllegalStateException("down");
                }),
                PeriodicTasks.Task.every("after", Duration.ofHours(1), () -> ran.add("after"))));

        assertThatThrownBy(tasks::runDue).hasMessage("down");
        tasks.runDue();

        assertThat(ran).containsExactly("broken", "after");
    }
}
