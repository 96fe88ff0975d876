package io.policywebhooks.analytics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.policywebhooks.deploy.StreamRecords;
import io.policywebhooks.store.Attributes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A DynamoDB full export in DYNAMODB_JSON format, written to a local directory standing for the bucket, in the
 * layout DynamoDB documents ("DynamoDB table export output format"): under {@code <prefix>/AWSDynamoDB/<ExportId>/}
 * the empty {@code _started}, {@code data/*.json.gz} (gzipped lines {@code {"Item":{"attr":{"S":"..."}}}}, at least
 * one file per partition, an empty one for an empty partition), {@code manifest-files.json} (one JSON line per data
 * file), {@code manifest-summary.json}, and a {@code .checksum} (MD5, hex) beside each manifest.
 */
final class LocalExport {
    static final ObjectMapper JSON = new ObjectMapper();

    /** What was written: the export's directory, its data/ directory and how many items it holds. */
    record Written(String exportId, Path directory, Path data, int items) {
    }

    private LocalExport() {
    }

    static Written write(Path bucket, String prefix, String tableArn, List<Map<String, AttributeValue>> items,
            Instant exportTime) {
        String exportId = String.format("%014d-%s", exportTime.toEpochMilli(),
                UUID.randomUUID().toString().substring(0, 8));
        String exportKey = prefix + "/AWSDynamoDB/" + exportId;
        Path directory = bucket.resolve(exportKey);
        Path data = directory.resolve("data");
        try {
            Files.createDirectories(data);
            Files.write(directory.resolve("_started"), new byte[0]);
            // Two partitions with items and an empty one.
            List<List<Map<String, AttributeValue>>> partitions = List.of(
                    items.subList(0, items.size() / 2), items.subList(items.size() / 2, items.size()), List.of());
            StringBuilder manifestFiles = new StringBuilder();
            for (List<Map<String, AttributeValue>> partition : partitions) {
                String file = UUID.randomUUID().toString().replace("-", "").substring(0, 26) + ".json.gz";
                byte[] gz = gzip(lines(partition));
                Files.write(data.resolve(file), gz);
                ObjectNode entry = JSON.createObjectNode();
                entry.put("itemCount", partition.size());
                entry.put("md5Checksum", Base64.getEncoder().encodeToString(md5(gz)));
                entry.put("etag", HexFormat.of().formatHex(md5(gz)));
                entry.put("dataFileS3Key", exportKey + "/data/" + file);
                manifestFiles.append(JSON.writeValueAsString(entry)).append('\n');
            }
            writeWithChecksum(directory, "manifest-files", manifestFiles.toString());

            ObjectNode summary = JSON.createObjectNode();
            summary.put("version", "2020-06-30");
            summary.put("exportArn", tableArn + "/export/" + exportId);
            summary.put("startTime", Attributes.iso(exportTime));
            summary.put("endTime", Attributes.iso(exportTime.plusSeconds(300)));
            summary.put("tableArn", tableArn);
            summary.put("tableId", UUID.randomUUID().toString());
            summary.put("exportTime", Attributes.iso(exportTime));
            summary.put("s3Bucket", bucket.getFileName().toString());
            summary.put("s3Prefix", prefix);
            summary.put("s3SseAlgorithm", "AES256");
            summary.putNull("s3SseKmsKeyId");
            summary.put("manifestFilesS3Key", exportKey + "/manifest-files.json");
            summary.put("billedSizeBytes", manifestFiles.length());
            summary.put("itemCount", items.size());
            summary.put("outputFormat", "DYNAMODB_JSON");
            summary.put("exportType", "FULL_EXPORT");
            writeWithChecksum(directory, "manifest-summary", JSON.writeValueAsString(summary));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Written(exportId, directory, data, items.size());
    }

    private static void writeWithChecksum(Path directory, String name, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Files.write(directory.resolve(name + ".json"), bytes);
        Files.writeString(directory.resolve(name + ".checksum"), HexFormat.of().formatHex(md5(bytes)));
    }

    private static String lines(List<Map<String, AttributeValue>> items) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (Map<String, AttributeValue> item : items) {
            ObjectNode line = JSON.createObjectNode();
            line.set("Item", StreamRecords.image(item));
            lines.append(JSON.writeValueAsString(line)).append('\n');
        }
        return lines.toString();
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The type descriptor of a stored attribute as the export writes it (S, N, B, BOOL, NULL, M, L, SS, NS, BS). */
    static String descriptor(AttributeValue value) {
        return StreamRecords.typed(value).fieldNames().next();
    }
}
