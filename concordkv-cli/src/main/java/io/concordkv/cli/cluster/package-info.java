/**
 * {@code concordkv cluster}: a local cluster for development and fault tests, each member a
 * separate {@code concordkv server} JVM on 127.0.0.1 (the java and classpath the CLI itself runs
 * on), started in the background so it outlives the command. {@code start}, {@code stop},
 * {@code status}, {@code kill} and {@code restart-member} are one command each; they share only
 * what the directory records.
 *
 * <p>Files in the cluster's directory {@code DIR}, for {@code N} members {@code n1..nN}:
 * <ul>
 *   <li>{@code cluster.json}: the state ({@link io.concordkv.cli.cluster.ClusterState}), a JSON
 *       object {@code {"format":1,"members":[...]}}, each member
 *       {@code {"name","pid","startedAt","host","clientPort","peerPort","httpPort","dataDir",
 *       "logFile","outFile","command":[...]}} ({@code startedAt} in epoch milliseconds,
 *       {@code command} the whole command line). Written to {@code cluster.json.tmp} and renamed.</li>
 *   <li>{@code nI/}: member {@code nI}'s data directory.</li>
 *   <li>{@code nI.log} (rolled over to {@code nI.log.1} ...): its log ({@code --log-file}).</li>
 *   <li>{@code nI.out}: its standard output and error, appended to on every start.</li>
 * </ul>
 *
 * <p>Safety: a recorded pid is signalled only while that process still runs with the start time
 * recorded and a {@code server} command line naming the member and its data directory, so a
 * reused pid is left alone. Commands are meant to run one at a time per directory; two changing
 * {@code cluster.json} at once may lose one change. Each command runs on the calling thread.
 */
package io.concordkv.cli.cluster;
