// JVM builds keep their tests beside the code in named source sets, not only in a folder called
// test/: Maven's integration tests (failsafe, `*IT.java`) in src/it/, Gradle's integrationTest,
// intTest and testFixtures source sets. Only under src/: a bare it/ is also Italian's locale folder.
export const JVM_TEST_SOURCE_SET = /(?:^|\/)src\/(?:it|integrationTest|integration-test|intTest|testFixtures)\//;
