package dev.safeshift.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/** Stores a key bound (the key columns' text values) in the control store as a JSON array. */
final class BoundCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private BoundCodec() {
    }

    static String encode(List<String> bound) {
        try {
            return JSON.writeValueAsString(bound);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> decode(String json) {
        try {
            return JSON.readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt chunk bound in the control store: " + json, e);
        }
    }
}
