package io.syncline.host.jvm;

import io.syncline.spi.ChangeSource;
import io.syncline.spi.Payload;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncRecord;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A {@link ChangeSource} over a folder of JSON files, one record per file: {@code ada.json} is the
 * record {@code ada} of the configured collection. A scan reports the files added, changed
 * (modification time or size) or removed since the scan that produced the token, so the engine
 * imports only those.
 *
 * <p>How it stays correct across crashes: each scan writes a manifest of what it saw (name, size,
 * modification time) under a new generation number in a state folder, and the token is that number.
 * The engine stores the token atomically with the records it imported. If the process dies before
 * that, the next scan starts again from the previous manifest, which is still there, and reports
 * the same changes again (importing equal content changes nothing). A manifest is deleted only once
 * a newer token came back, which proves the engine stored it.
 *
 * <p>Thread-compatible: the engine scans one source from one thread at a time.
 */
public final class JsonFolderSource implements ChangeSource {
  private static final String SUFFIX = ".json";

  private final Path folder;
  private final Path stateFolder;
  private final String collection;
  private final String scope;
  private final String name;

  /**
   * A source over {@code folder}, keeping its manifests in {@code stateFolder} (outside {@code
   * folder}, or a hidden subfolder of it), for records of {@code collection} in {@code scope}.
   */
  public JsonFolderSource(Path folder, Path stateFolder, String collection, String scope) {
    this.folder = Objects.requireNonNull(folder, "folder == null");
    this.stateFolder = Objects.requireNonNull(stateFolder, "stateFolder == null");
    RecordId.of(collection, "probe");
    this.collection = collection;
    this.scope = SyncRecord.checkScope(scope);
    this.name = "folder-" + collection;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ScanResult scan(String token, int limit) throws IOException {
    Files.createDirectories(stateFolder);
    long generation = token == null ? 0 : parse(token);
    Map<String, String> before = generation == 0 ? new TreeMap<>() : readManifest(generation);
    deleteManifestsBefore(generation);
    Map<String, String> now = new TreeMap<>();
    List<SourceChange> changes = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
      for (Path f : files) {
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(f, BasicFileAttributes.class);
        } catch (NoSuchFileException gone) {
          continue; // removed while we listed: the next scan sees it as removed
        }
        if (!a.isRegularFile()) {
          continue;
        }
        String file = f.getFileName().toString();
        String stamp = a.size() + ":" + a.lastModifiedTime().toMillis();
        now.put(file, stamp);
        if (!stamp.equals(before.get(file))) {
          changes.add(
              new SourceChange(
                  RecordId.of(collection, key(file)),
                  scope,
                  false,
                  Payload.wrap(Files.readAllBytes(f))));
        }
      }
    }
    for (String file : before.keySet()) {
      if (!now.containsKey(file)) {
        changes.add(
            new SourceChange(RecordId.of(collection, key(file)), scope, true, Payload.EMPTY));
      }
    }
    // Everything found goes in one scan: the manifest describes the whole folder, so a partial
    // scan could not be resumed from it. The limit only bounds what callers expect per call.
    long next = generation + 1;
    writeManifest(next, now);
    return new ScanResult(changes, Long.toString(next), false);
  }

  private static String key(String file) {
    return file.substring(0, file.length() - SUFFIX.length());
  }

  private static long parse(String token) {
    try {
      long g = Long.parseLong(token);
      if (g < 0) {
        throw new NumberFormatException();
      }
      return g;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a token of this source: " + token);
    }
  }

  private Path manifest(long generation) {
    return stateFolder.resolve("manifest-" + generation);
  }

  private Map<String, String> readManifest(long generation) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (BufferedReader r = Files.newBufferedReader(manifest(generation), StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        int tab = line.indexOf('\t');
        if (tab > 0) {
          out.put(line.substring(tab + 1), line.substring(0, tab));
        }
      }
    } catch (NoSuchFileException e) {
      throw new IOException(
          "manifest "
              + generation
              + " is missing; the source's state folder "
              + stateFolder
              + " was changed by hand",
          e);
    }
    return out;
  }

  private void writeManifest(long generation, Map<String, String> files) throws IOException {
    Path tmp = stateFolder.resolve("manifest-" + generation + ".tmp");
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      for (Map.Entry<String, String> e : files.entrySet()) {
        w.write(e.getValue());
        w.write('\t');
        w.write(e.getKey());
        w.write('\n');
      }
    }
    Files.move(
        tmp,
        manifest(generation),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  private void deleteManifestsBefore(long generation) throws IOException {
    try (DirectoryStream<Path> old = Files.newDirectoryStream(stateFolder, "manifest-*")) {
      for (Path p : old) {
        String n = p.getFileName().toString().substring("manifest-".length());
        try {
          if (Long.parseLong(n) < generation) {
            Files.deleteIfExists(p);
          }
        } catch (NumberFormatException ignored) {
          // a temporary file of an interrupted scan; the next write replaces it
        }
      }
    }
  }
}
