package io.concordkv.client;

import java.util.List;

/**
 * One member of the server cluster.
 *
 * @param id member id
 * @param name member name ("" until the member has started)
 * @param peerUrls URLs the members use among themselves
 * @param clientUrls URLs clients use; discovery adds these as endpoints
 * @param learner whether the member is a non-voting learner
 */
public record Member(long id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner) {
    public Member {
        peerUrls = List.copyOf(peerUrls);
        clientUrls = List.copyOf(clientUrls);
    }
}
