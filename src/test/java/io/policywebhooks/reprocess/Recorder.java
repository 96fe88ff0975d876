package io.policywebhooks.reprocess;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A listener that keeps what a run reported. */
final class Recorder implements Reprocessor.Listener {
    final List<String> selected = new ArrayList<>();
    final Map<String, String> failed = new TreeMap<>();
    final Map<String, String> idChanged = new TreeMap<>();
    final List<Reprocessor.Summary> progress = new ArrayList<>();
    /** {@code <table> <key> names <event id>: <what>} */
    final List<String> orphans = new ArrayList<>();

    @Override
    public void selected(String eventId) {
        selected.add(eventId);
    }

    @Override
    public void failed(String eventId, String reason) {
        failed.put(eventId, reason);
    }

    @Override
    public void idChanged(String storedId, String mappedId) {
        idChanged.put(storedId, mappedId);
    }

    @Override
    public void progress(Reprocessor.Summary soFar) {
        progress.add(soFar);
    }

    @Override
    public void orphan(String table, String key, String eventId, Reprocessor.Orphan what) {
        orphans.add(table + " " + key + " names " + eventId + ": " + what);
    }
}
