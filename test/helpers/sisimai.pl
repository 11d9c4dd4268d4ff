#!/usr/bin/perl
# Classify each file named on the command line with Sisimai; one JSON line per file.
use strict;
use warnings;
use Sisimai;
use JSON::PP;
my $json = JSON::PP->new->canonical;
for my $file (@ARGV) {
    my $v = Sisimai->make($file, delivered => 1) // [];
    my @rows = map { +{
        reason => $_->reason, agent => $_->smtpagent, recipient => $_->recipient->address,
        status => $_->deliverystatus, replycode => $_->replycode, action => $_->action,
    } } @$v;
    print $json->encode({ file => $file, results => \@rows }), "\n";
}
